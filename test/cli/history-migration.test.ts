import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { listChanges } from '../../src/db/repositories/transparency.js';
import { commandLine } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/*
 * The migration that moves the history's justifications beside the chain
 * (db/migrations/2026-12-07T020000-history-texts.ts), on a database written
 * in the format before it: the texts are kept, a hidden one stays hidden, and
 * every chain, computed again, verifies.
 */
const BEFORE = '2026-11-28T020000-rate-limits';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const NOW = '2028-09-01T12:00:00.000Z';

/** The chain's hash in the format before the migration: the texts themselves, no "answered". */
function oldHash(prev: string, e: { seq: number; candidate: string; statement: string; oldValue: number | null; newValue: number | null; oldText: string | null; newText: string | null; changedAt: string; actor: string }) {
  return sha256(JSON.stringify([prev, e.seq, e.candidate, e.statement, e.oldValue, e.newValue, e.oldText, e.newText, e.changedAt, e.actor]));
}

describe('the history-texts migration', () => {
  let database: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    database = await createTestDatabase();
    db = createDb(database.url);
    await migrateTo(db, BEFORE);
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
  });

  /** ana published s1–s3; her s1 justification was changed, then hidden; s2 went from none to "no answer"; s3's answer was removed. */
  async function oldFormatElection() {
    const raw = db as unknown as Kysely<any>;
    const id = async (table: string, values: Record<string, unknown>) => (await raw.insertInto(table).values(values).returning('id').executeTakeFirstOrThrow()).id as number;
    const election = await id('elections', { slug: 'velha', name: '"Velha"', date: '2028-10-01', country: 'BR', scale: 5, created_at: NOW, updated_at: NOW });
    const topic = await id('topics', { election_id: election, slug: 't', name: '"T"', position: 0 });
    const statements = [];
    for (const [position, key] of ['s1', 's2', 's3'].entries()) statements.push(await id('statements', { election_id: election, topic_id: topic, key, text: `"${key}"`, position }));
    const race = await id('races', { election_id: election, slug: 'r', office: '"Prefeito"', district: '"Vila"', position: 0 });
    const ana = await id('candidates', { election_id: election, key: 'ana', name: 'Ana', race_id: race, status: 'published', position: 0, published_at: NOW, created_at: NOW, updated_at: NOW });
    await raw.insertInto('answers').values([
      { candidate_id: ana, statement_id: statements[0], value: 2, justification: 'Nova razão', hidden_reason: 'Ofensivo a terceiros', updated_at: NOW },
      { candidate_id: ana, statement_id: statements[1], value: null, justification: null, hidden_reason: null, updated_at: NOW },
    ]).execute();
    const entries = [
      { statement: 's1', statementId: statements[0], oldValue: 4, newValue: 2, oldText: 'Velha razão', newText: 'Nova razão' },
      { statement: 's2', statementId: statements[1], oldValue: null, newValue: null, oldText: null, newText: null },
      { statement: 's3', statementId: statements[2], oldValue: 3, newValue: null, oldText: null, newText: null },
    ];
    let prev = '0'.repeat(64);
    for (const [i, e] of entries.entries()) {
      const content = { seq: i + 1, candidate: 'ana', changedAt: NOW, actor: 'candidate', ...e };
      const hash = oldHash(prev, content);
      await raw
        .insertInto('answer_history')
        .values({ election_id: election, seq: content.seq, candidate_id: ana, statement_id: e.statementId, old_value: e.oldValue, new_value: e.newValue, old_justification: e.oldText, new_justification: e.newText, changed_at: NOW, prev_hash: prev, hash, actor: 'candidate' })
        .execute();
      prev = hash;
    }
    return election;
  }

  it('keeps every text beside the chain, a hidden one hidden, and the chain verifies', async () => {
    const election = await oldFormatElection();
    await migrateToLatest(db);

    const verified = await commandLine(database.url)('verify');
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toContain('History of “velha”: 3 entries, chain intact.');

    const texts = await db.selectFrom('justification_texts').select(['sha256', 'text', 'hidden_reason']).orderBy('text').execute();
    expect(texts).toEqual([
      { sha256: sha256('Nova razão'), text: 'Nova razão', hidden_reason: 'Ofensivo a terceiros' },
      { sha256: sha256('Velha razão'), text: 'Velha razão', hidden_reason: null },
    ]);
    const answer = await db.selectFrom('answers').select(['justification', 'justification_sha256']).where('value', '=', 2).executeTakeFirstOrThrow();
    expect(answer).toEqual({ justification: 'Nova razão', justification_sha256: sha256('Nova razão') });

    const { rows } = await listChanges(db, { electionId: election, offset: 0, limit: 10 });
    const sides = rows.map((r) => [r.old.answered, r.old.justification?.text ?? null, r.new.answered, r.new.justification?.text ?? null, r.new.justification?.reason ?? null]);
    expect(sides).toEqual([
      // s3: the answer was removed: nothing after.
      [true, null, false, null, null],
      // s2: no answer before; "no answer" after, as the published answer says.
      [false, null, true, null, null],
      // s1: the old words shown, the new ones hidden with their reason.
      [true, 'Velha razão', true, null, 'Ofensivo a terceiros'],
    ]);
  });

  it('goes back to texts inside the history, and forward again', async () => {
    await oldFormatElection();
    await migrateToLatest(db);
    await migrateTo(db, BEFORE);
    const raw = db as unknown as Kysely<any>;
    const back = await raw.selectFrom('answer_history').select(['seq', 'old_justification', 'new_justification', 'prev_hash', 'hash']).orderBy('seq').execute();
    expect(back.map((r) => [r.old_justification, r.new_justification])).toEqual([
      ['Velha razão', 'Nova razão'],
      [null, null],
      [null, null],
    ]);
    expect(back[0]!.hash).toBe(oldHash('0'.repeat(64), { seq: 1, candidate: 'ana', statement: 's1', oldValue: 4, newValue: 2, oldText: 'Velha razão', newText: 'Nova razão', changedAt: NOW, actor: 'candidate' }));
    await migrateToLatest(db);
    expect((await commandLine(database.url)('verify')).code).toBe(0);
  });
});
