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

    // The texts of published answers, with the reason an organizer hid one.
    const keep = async (input: { electionId: number; candidateId: number; statementId: number; text: string; hiddenReason: string | null; now: string }) => {
      const hash = sha256(input.text);
      const found = await trx
        .selectFrom('justification_texts')
        .select('id')
        .where('candidate_id', '=', input.candidateId)
        .where('statement_id', '=', input.statementId)
        .where('sha256', '=', hash)
        .executeTakeFirst();
      if (!found) {
        await trx
          .insertInto('justification_texts')
          .values({
            election_id: input.electionId,
            candidate_id: input.candidateId,
            statement_id: input.statementId,
            sha256: hash,
            text: input.text,
            hidden_reason: input.hiddenReason,
            created_at: input.now,
          })
          .execute();
      }
      return hash;
    };
    const answers: Array<{ id: number; election_id: number; candidate_id: number; statement_id: number; justification: string | null; hidden_reason: string | null; updated_at: string }> =
      await trx
        .selectFrom('answers')
        .innerJoin('candidates', 'candidates.id', 'answers.candidate_id')
        .select(['answers.id', 'candidates.election_id', 'answers.candidate_id', 'answers.statement_id', 'answers.justification', 'answers.hidden_reason', 'answers.updated_at'])
        .execute();
    const published = new Map(answers.map((a) => [`${a.candidate_id}:${a.statement_id}`, a]));
    for (const a of answers) {
      if (a.justification === null) continue;
      const hash = await keep({ electionId: a.election_id, candidateId: a.candidate_id, statementId: a.statement_id, text: a.justification, hiddenReason: a.hidden_reason, now: a.updated_at });
      await trx.updateTable('answers').set({ justification_sha256: hash }).where('id', '=', a.id).execute();
    }

    const elections: Array<{ id: number }> = await trx.selectFrom('elections').select('id').orderBy('id').execute();
    for (const election of elections) {
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
        .orderBy('answer_history.seq')
        .execute();
      const latest = new Map<string, number>();
      for (const row of rows) latest.set(`${row.candidate_id}:${row.statement_id}`, row.seq);
      let prevHash = GENESIS_HASH;
      for (const row of rows) {
        const pair = `${row.candidate_id}:${row.statement_id}`;
        const answer = published.get(pair);
        // The published answer's text is kept already, hidden if it was: hidden wherever the history shows it.
        const text = async (value: string | null) =>
          value === null ? null : keep({ electionId: election.id, candidateId: row.candidate_id, statementId: row.statement_id, text: value, hiddenReason: null, now: row.changed_at });
        row.old_text_sha256 = await text(row.old_justification);
        row.new_text_sha256 = await text(row.new_justification);
        row.old_answered = row.old_value !== null || row.old_justification !== null ? 1 : 0;
        row.new_answered = row.new_value !== null || row.new_justification !== null || (latest.get(pair) === row.seq && answer !== undefined) ? 1 : 0;
        const hash = entryHash(prevHash, row);
        await trx
          .updateTable('answer_history')
          .set({ old_answered: row.old_answered, new_answered: row.new_answered, old_text_sha256: row.old_text_sha256, new_text_sha256: row.new_text_sha256, prev_hash: prevHash, hash })
          .where('id', '=', row.id)
          .execute();
        prevHash = hash;
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
