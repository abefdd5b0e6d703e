import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { moderate } from '../../src/services/admin.js';
import { writePackage } from '../../src/services/election-packages.js';
import { fixedClock } from '../helpers/app.js';
import { commandLine } from '../helpers/cli.js';
import { createTestDatabase, tamperWithHistory, type TestDatabase } from '../helpers/database.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * `concordo verify` after a redaction: the history commits to each
 * justification's SHA-256, so words removed by a redaction leave every chain
 * whole, while any other change made behind the application's back is found.
 * The small election's ana changes her s1 answer twice (by import): entry 1
 * from 5 "A cidade perdeu…" to 2 FIRST, entry 2 from 2 FIRST to 1 SECOND.
 */
const e = 'vila-pequena-2028';
const FIRST = 'Primeira mudança, que um tribunal mandou retirar.';
const SECOND = 'Segunda mudança.';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('concordo verify and redactions', () => {
  let database: TestDatabase;
  let db: Db;
  let run: ReturnType<typeof commandLine>;

  beforeEach(async () => {
    database = await createTestDatabase();
    db = createDb(database.url);
    await migrateToLatest(db);
    run = commandLine(database.url);
    const clock = fixedClock();
    const pkg = loadFixture('small-election.json');
    expect((await writePackage({ db, clock }, { pkg, actor: 'test' })).ok).toBe(true);
    for (const [minute, answer] of [[1, { value: 2, justification: FIRST }], [2, { value: 1, justification: SECOND }]] as const) {
      clock.set(`2028-09-01T12:0${minute}:00.000Z`);
      pkg.candidates[0]!.answers!.s1 = answer;
      expect((await writePackage({ db, clock }, { pkg, actor: 'test' })).ok).toBe(true);
    }
    // A court orders FIRST removed: it is only in the history now.
    const text = await db.selectFrom('justification_texts').select('id').where('sha256', '=', sha256(FIRST)).executeTakeFirstOrThrow();
    const organizer = { email: 'organizer@example.org' };
    const electionId = (await db.selectFrom('elections').select('id').executeTakeFirstOrThrow()).id;
    expect(await moderate({ db, clock }, { electionId, candidate: 'ana', statement: 's1', text: text.id, action: 'redact', reason: 'Ordem judicial 123/2028', actor: organizer, actorUserId: 0 })).toBe('done');
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
  });

  it('passes after a redaction: the words are gone, their SHA-256 and the reason stay', async () => {
    const kept = await db.selectFrom('justification_texts').select(['text', 'redacted_reason']).where('sha256', '=', sha256(FIRST)).executeTakeFirstOrThrow();
    expect(kept).toEqual({ text: null, redacted_reason: 'Ordem judicial 123/2028' });
    const result = await run('verify');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`History of “${e}”: 2 entries, chain intact.`);
    expect(result.code).toBe(0);
  });

  it.each([
    ['a changed value', 'update answer_history set new_value = 3 where seq = 1', 'entry 1: hash does not match content'],
    ['a changed time', "update answer_history set changed_at = '2028-09-01T11:00:00.000Z' where seq = 2", 'entry 2: hash does not match content'],
    ['a changed actor', "update answer_history set actor = 'candidate' where seq = 2", 'entry 2: hash does not match content'],
    ['an answer turned into no answer', 'update answer_history set old_answered = 0 where seq = 1', 'entry 1: hash does not match content'],
    ['a changed SHA-256', `update answer_history set new_text_sha256 = '${sha256('outra coisa')}' where seq = 2`, 'entry 2: hash does not match content'],
    ['a replaced hash', `update answer_history set hash = '${'f'.repeat(64)}' where seq = 1`, 'entry 1: hash does not match content'],
    ['a changed order', 'update answer_history set seq = 3 where seq = 1', 'entry 2: expected entry 1'],
    ['a deleted entry', 'delete from answer_history where seq = 1', 'entry 2: expected entry 1'],
    ['words changed while not redacted', `update justification_texts set text = 'Segunda mudança!' where sha256 = '${sha256(SECOND)}'`, 'entry 2: the new justification does not match its SHA-256'],
    ['words deleted without a redaction', `update justification_texts set text = null where sha256 = '${sha256(SECOND)}'`, 'entry 2: the new justification was deleted without a recorded redaction'],
    ['a kept text deleted', `delete from justification_texts where sha256 = '${sha256(SECOND)}'`, 'entry 2: the new justification is missing'],
    ['redacted words put back, changed', `update justification_texts set text = 'Outra coisa' where sha256 = '${sha256(FIRST)}'`, 'entry 1: the new justification does not match its SHA-256'],
  ])('fails after %s behind the application’s back', async (_name, tampering, where) => {
    await tamperWithHistory(database.url, tampering);
    const result = await run('verify');
    expect(result.stderr).toContain(`History of “${e}” is broken at ${where}`);
    expect(result.stdout).toContain('Verification FAILED');
    expect(result.code).toBe(1);
  });

  it('refuses, in the database itself, to change kept words but by a redaction, or a redacted text at all', async () => {
    const reject = /change only by redaction/;
    await expect(db.updateTable('justification_texts').set({ text: 'Outra coisa' }).where('sha256', '=', sha256(SECOND)).execute()).rejects.toThrow(reject);
    await expect(db.updateTable('justification_texts').set({ text: null }).where('sha256', '=', sha256(SECOND)).execute()).rejects.toThrow(reject);
    await expect(db.updateTable('justification_texts').set({ text: FIRST, redacted_at: null }).where('sha256', '=', sha256(FIRST)).execute()).rejects.toThrow(reject);
    await expect(db.updateTable('justification_texts').set({ sha256: sha256('x') }).where('sha256', '=', sha256(SECOND)).execute()).rejects.toThrow(reject);
    await expect(db.deleteFrom('answer_history').execute()).rejects.toThrow(/append-only/);
  });
});
