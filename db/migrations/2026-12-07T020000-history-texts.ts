import { createHash } from 'node:crypto';
import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * The change history commits to the SHA-256 of each justification, not to its
 * words (SPEC §4), so that a text an organizer hides, or a court orders
 * removed, can give way to its public reason while every chain still
 * verifies.
 *
 * - `justification_texts` keeps every published justification once per
 *   candidate and statement, under its SHA-256: the words (null once
 *   redacted, which is permanent), the reason it is hidden, and the reason and
 *   time of its redaction. A trigger lets the words change only to null, by a
 *   redaction, and a redacted row not at all.
 * - `answer_history` loses its two text columns and gains, per side (old and
 *   new), `answered` (0/1: was there an answer at all, so "not answered" and
 *   "preferred not to answer" are told apart) and `text_sha256`.
 * - `answers.justification_sha256` names the text of the published answer,
 *   and still does once a redaction has removed the words.
 *
 * Every existing chain is computed once more in the new format. The product
 * has not launched: no published hash is invalidated. Old entries did not say
 * whether a side without value and text was an answer ("preferred not to
 * answer") or none: such a side counts as not answered, except the new side
 * of a pair's latest entry, which the published answer settles.
 *
 * Portable between SQLite and PostgreSQL, like the initial migration; frozen.
 */

const GENESIS_HASH = '0'.repeat(64);

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The chained content of an entry in the new format: JSON array, fixed order, texts by their SHA-256. */
function entryHash(prevHash: string, e: ChainRow): string {
  const canonical = JSON.stringify([
    prevHash,
    e.seq,
    e.candidate,
    e.statement,
    e.old_answered === 1,
    e.old_value,
    e.old_text_sha256,
    e.new_answered === 1,
    e.new_value,
    e.new_text_sha256,
    e.changed_at,
    e.actor,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** The chained content of an entry in the old format, with the texts themselves (for `down`). */
function oldEntryHash(
  prevHash: string,
  e: Pick<ChainRow, 'seq' | 'candidate' | 'statement' | 'old_value' | 'new_value' | 'changed_at' | 'actor'> & { old_justification: string | null; new_justification: string | null },
): string {
  const canonical = JSON.stringify([prevHash, e.seq, e.candidate, e.statement, e.old_value, e.new_value, e.old_justification, e.new_justification, e.changed_at, e.actor]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

interface ChainRow {
  id: number;
  prev_hash?: string;
  hash?: string;
  seq: number;
  candidate: string;
  statement: string;
  old_value: number | null;
  new_value: number | null;
  old_answered: number;
  new_answered: number;
  old_text_sha256: string | null;
  new_text_sha256: string | null;
  changed_at: string;
  actor: string;
}

async function dropAppendOnly(db: Kysely<any>, pg: boolean) {
  if (pg) {
    await sql`drop trigger answer_history_append_only on answer_history`.execute(db);
  } else {
    await sql`drop trigger answer_history_no_update`.execute(db);
    await sql`drop trigger answer_history_no_delete`.execute(db);
  }
}

/** The same triggers as the initial migration's. */
async function createAppendOnly(db: Kysely<any>, pg: boolean) {
  if (pg) {
    await sql`create trigger answer_history_append_only before update or delete on answer_history
      for each row execute function concordo_refuse_change()`.execute(db);
  } else {
    await sql`create trigger answer_history_no_update before update on answer_history
      begin select raise(abort, 'answer_history is append-only'); end`.execute(db);
    await sql`create trigger answer_history_no_delete before delete on answer_history
      begin select raise(abort, 'answer_history is append-only'); end`.execute(db);
  }
}

/** Runs the work in one transaction: PostgreSQL's migrator already opened one, SQLite's did not. */
async function atomically(db: Kysely<any>, work: (trx: Kysely<any>) => Promise<void>) {
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await atomically(db, async (trx) => {
    await dropAppendOnly(trx, pg);

    await trx.schema
      .createTable('justification_texts')
      .addColumn('id', 'integer', (c) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
      .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
      .addColumn('candidate_id', 'integer', (c) => c.notNull().references('candidates.id').onDelete('cascade'))
      .addColumn('statement_id', 'integer', (c) => c.notNull().references('statements.id').onDelete('cascade'))
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('text', 'text') // null once redacted
      .addColumn('hidden_reason', 'text')
      .addColumn('redacted_reason', 'text')
      .addColumn('redacted_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('justification_texts_candidate_statement_sha256', ['candidate_id', 'statement_id', 'sha256'])
      .execute();
    await trx.schema.createIndex('justification_texts_election').on('justification_texts').columns(['election_id', 'id']).execute();

    for (const side of ['old', 'new']) {
      await trx.schema
        .alterTable('answer_history')
        .addColumn(`${side}_answered`, 'integer', (c) => c.notNull().defaultTo(0).check(sql`${sql.ref(`${side}_answered`)} in (0, 1)`))
        .execute();
      await trx.schema.alterTable('answer_history').addColumn(`${side}_text_sha256`, 'text').execute();
    }
    await trx.schema.alterTable('answers').addColumn('justification_sha256', 'text').execute();

    // The texts of published answers, with the reason an organizer hid one, a batch at a time: a national
    // election has millions of answers, and neither they nor their texts may be held in memory at once.
    const keepTexts = (rows: ReadonlyArray<readonly [number, number, number, string, string, string | null, string]>) => {
      if (rows.length === 0) return Promise.resolve();
      const json = JSON.stringify(rows);
      return (
        pg
          ? sql`insert into justification_texts (election_id, candidate_id, statement_id, sha256, text, hidden_reason, created_at)
              select (e->>0)::integer, (e->>1)::integer, (e->>2)::integer, e->>3, e->>4, e->>5, e->>6 from jsonb_array_elements(${json}::jsonb) as e
              on conflict do nothing`
          : sql`insert into justification_texts (election_id, candidate_id, statement_id, sha256, text, hidden_reason, created_at)
              select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 from json_each(${json}) where true
              on conflict do nothing`
      ).execute(trx);
    };
    const BATCH = 5_000;
    for (let after = 0; ; ) {
      const answers: Array<{ id: number; election_id: number; candidate_id: number; statement_id: number; justification: string; hidden_reason: string | null; updated_at: string }> =
        await trx
          .selectFrom('answers')
          .innerJoin('candidates', 'candidates.id', 'answers.candidate_id')
          .select(['answers.id', 'candidates.election_id', 'answers.candidate_id', 'answers.statement_id', 'answers.justification', 'answers.hidden_reason', 'answers.updated_at'])
          .where('answers.justification', 'is not', null)
          .where('answers.id', '>', after)
          .orderBy('answers.id')
          .limit(BATCH)
          .execute();
      if (answers.length === 0) break;
      after = answers[answers.length - 1]!.id;
      const hashes = answers.map((a) => sha256(a.justification));
      await keepTexts(answers.map((a, i) => [a.election_id, a.candidate_id, a.statement_id, hashes[i]!, a.justification, a.hidden_reason, a.updated_at] as const));
      const pairs = JSON.stringify(answers.map((a, i) => [a.id, hashes[i]!]));
      await (
        pg
          ? sql`update answers set justification_sha256 = e->>1 from jsonb_array_elements(${pairs}::jsonb) as e where answers.id = (e->>0)::integer`
          : sql`update answers set justification_sha256 = j.value->>1 from json_each(${pairs}) as j where answers.id = j.value->>0`
      ).execute(trx);
    }

    // Every chain again in the new format, a batch of entries at a time in chain order.
    const elections: Array<{ id: number }> = await trx.selectFrom('elections').select('id').orderBy('id').execute();
    for (const election of elections) {
      // A pair's latest entry, and whether the pair has a published answer now (which settles that entry's new side).
      const latestRows: Array<{ candidate_id: number; statement_id: number; seq: number | string; answered: number | string }> = await trx
        .selectFrom('answer_history as h')
        .select([
          'h.candidate_id',
          'h.statement_id',
          (eb) => eb.fn.max('h.seq').as('seq'),
          (eb) =>
            eb
              .case()
              .when(eb.exists(eb.selectFrom('answers').select('answers.id').whereRef('answers.candidate_id', '=', 'h.candidate_id').whereRef('answers.statement_id', '=', 'h.statement_id')))
              .then(1)
              .else(0)
              .end()
              .as('answered'),
        ])
        .where('h.election_id', '=', election.id)
        .groupBy(['h.candidate_id', 'h.statement_id'])
        .execute();
      const latest = new Map(latestRows.map((r) => [`${r.candidate_id}:${r.statement_id}`, { seq: Number(r.seq), answered: Number(r.answered) === 1 }]));
      let prevHash = GENESIS_HASH;
      for (let afterSeq = 0; ; ) {
        const rows: Array<ChainRow & { candidate_id: number; statement_id: number; old_justification: string | null; new_justification: string | null }> = await trx
          .selectFrom('answer_history')
          .innerJoin('candidates', 'candidates.id', 'answer_history.candidate_id')
          .innerJoin('statements', 'statements.id', 'answer_history.statement_id')
          .select([
            'answer_history.id',
            'answer_history.seq',
            'answer_history.candidate_id',
            'answer_history.statement_id',
            'candidates.key as candidate',
            'statements.key as statement',
            'answer_history.old_value',
            'answer_history.new_value',
            'answer_history.old_justification',
            'answer_history.new_justification',
            'answer_history.old_answered',
            'answer_history.new_answered',
            'answer_history.old_text_sha256',
            'answer_history.new_text_sha256',
            'answer_history.changed_at',
            'answer_history.actor',
          ])
          .where('answer_history.election_id', '=', election.id)
          .where('answer_history.seq', '>', afterSeq)
          .orderBy('answer_history.seq')
          .limit(BATCH)
          .execute();
        if (rows.length === 0) break;
        afterSeq = rows[rows.length - 1]!.seq;
        // The texts the history shows are kept too; the published answer's, kept above, keeps its hidden reason.
        const texts: Array<readonly [number, number, number, string, string, string | null, string]> = [];
        const text = (row: (typeof rows)[number], value: string | null) => {
          if (value === null) return null;
          const hash = sha256(value);
          texts.push([election.id, row.candidate_id, row.statement_id, hash, value, null, row.changed_at]);
          return hash;
        };
        for (const row of rows) {
          const pair = latest.get(`${row.candidate_id}:${row.statement_id}`);
          row.old_text_sha256 = text(row, row.old_justification);
          row.new_text_sha256 = text(row, row.new_justification);
          row.old_answered = row.old_value !== null || row.old_justification !== null ? 1 : 0;
          row.new_answered = row.new_value !== null || row.new_justification !== null || (pair?.seq === row.seq && pair.answered) ? 1 : 0;
          row.prev_hash = prevHash;
          row.hash = entryHash(prevHash, row);
          prevHash = row.hash;
        }
        await keepTexts(texts);
        const updates = JSON.stringify(rows.map((r) => [r.id, r.old_answered, r.new_answered, r.old_text_sha256, r.new_text_sha256, r.prev_hash, r.hash]));
        await (
          pg
            ? sql`update answer_history set old_answered = (e->>1)::integer, new_answered = (e->>2)::integer, old_text_sha256 = e->>3,
                new_text_sha256 = e->>4, prev_hash = e->>5, hash = e->>6
                from jsonb_array_elements(${updates}::jsonb) as e where answer_history.id = (e->>0)::integer`
            : sql`update answer_history set old_answered = j.value->>1, new_answered = j.value->>2, old_text_sha256 = j.value->>3,
                new_text_sha256 = j.value->>4, prev_hash = j.value->>5, hash = j.value->>6
                from json_each(${updates}) as j where answer_history.id = j.value->>0`
        ).execute(trx);
      }
    }

    await trx.schema.alterTable('answer_history').dropColumn('old_justification').execute();
    await trx.schema.alterTable('answer_history').dropColumn('new_justification').execute();
    await createAppendOnly(trx, pg);

    // The words of a text change only by redaction (to null, with its reason and time), and a redacted text never again.
    if (pg) {
      await sql`create function concordo_guard_text() returns trigger language plpgsql as $$
        begin
          if old.redacted_at is not null
            or new.sha256 is distinct from old.sha256
            or new.candidate_id is distinct from old.candidate_id
            or new.statement_id is distinct from old.statement_id
            or new.election_id is distinct from old.election_id
            or (new.text is not null and new.text is distinct from old.text)
            or (new.text is null and old.text is not null and new.redacted_at is null) then
            raise exception 'justification_texts change only by redaction';
          end if;
          return new;
        end $$`.execute(trx);
      await sql`create trigger justification_texts_guard before update on justification_texts
        for each row execute function concordo_guard_text()`.execute(trx);
    } else {
      await sql`create trigger justification_texts_guard before update on justification_texts
        when old.redacted_at is not null
          or new.sha256 is not old.sha256
          or new.candidate_id is not old.candidate_id
          or new.statement_id is not old.statement_id
          or new.election_id is not old.election_id
          or (new.text is not null and new.text is not old.text)
          or (new.text is null and old.text is not null and new.redacted_at is null)
        begin select raise(abort, 'justification_texts change only by redaction'); end`.execute(trx);
    }
  });
}

/** Back to texts inside the history (a redacted text comes back as null), each chain computed in the old format. */
export async function down(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await atomically(db, async (trx) => {
    await dropAppendOnly(trx, pg);
    await trx.schema.alterTable('answer_history').addColumn('old_justification', 'text').execute();
    await trx.schema.alterTable('answer_history').addColumn('new_justification', 'text').execute();
    const elections: Array<{ id: number }> = await trx.selectFrom('elections').select('id').orderBy('id').execute();
    for (const election of elections) {
      const rows = await trx
        .selectFrom('answer_history')
        .innerJoin('candidates', 'candidates.id', 'answer_history.candidate_id')
        .innerJoin('statements', 'statements.id', 'answer_history.statement_id')
        .leftJoin('justification_texts as o', (join) =>
          join.onRef('o.candidate_id', '=', 'answer_history.candidate_id').onRef('o.statement_id', '=', 'answer_history.statement_id').onRef('o.sha256', '=', 'answer_history.old_text_sha256'),
        )
        .leftJoin('justification_texts as n', (join) =>
          join.onRef('n.candidate_id', '=', 'answer_history.candidate_id').onRef('n.statement_id', '=', 'answer_history.statement_id').onRef('n.sha256', '=', 'answer_history.new_text_sha256'),
        )
        .select(['answer_history.id', 'answer_history.seq', 'candidates.key as candidate', 'statements.key as statement', 'answer_history.old_value', 'answer_history.new_value', 'o.text as old_justification', 'n.text as new_justification', 'answer_history.changed_at', 'answer_history.actor'])
        .where('answer_history.election_id', '=', election.id)
        .orderBy('answer_history.seq')
        .execute();
      let prevHash = GENESIS_HASH;
      for (const row of rows) {
        const hash = oldEntryHash(prevHash, row);
        await trx
          .updateTable('answer_history')
          .set({ old_justification: row.old_justification ?? null, new_justification: row.new_justification ?? null, prev_hash: prevHash, hash })
          .where('id', '=', row.id)
          .execute();
        prevHash = hash;
      }
    }
    for (const column of ['old_answered', 'new_answered', 'old_text_sha256', 'new_text_sha256']) {
      await trx.schema.alterTable('answer_history').dropColumn(column).execute();
    }
    await trx.schema.alterTable('answers').dropColumn('justification_sha256').execute();
    await trx.schema.dropTable('justification_texts').execute();
    if (pg) await sql`drop function concordo_guard_text`.execute(trx);
    await createAppendOnly(trx, pg);
  });
}
