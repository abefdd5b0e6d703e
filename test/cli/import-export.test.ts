import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, sqlitePath, type Db } from '../../src/db/client.js';
import { commandLine } from '../helpers/cli.js';
import { fixtureText, loadFixture, packageWithTwentyFaults, TWENTY_FAULTS } from '../helpers/packages.js';
import { createTestDatabase, dumpTables, onPostgres, tamperWithHistory, tempDir, type TestDatabase } from '../helpers/database.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const sha256Of = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Opens the database for one look and closes it again (so SQLite's file is left as the commands left it). */
async function inspect<T>(url: string, look: (db: Db) => Promise<T>): Promise<T> {
  const db = createDb(url);
  try {
    return await look(db);
  } finally {
    await db.destroy();
  }
}

/** Everything in the database; on SQLite also the file's bytes, which a refused import must not touch. */
async function snapshot(url: string) {
  const tables = await inspect(url, dumpTables);
  return { tables, file: onPostgres ? null : sha256(sqlitePath(url)) };
}

describe('concordo import / export', () => {
  let temp: ReturnType<typeof tempDir>;
  let database: TestDatabase;
  let run: ReturnType<typeof commandLine>;
  const write = (name: string, content: unknown) => {
    const file = path.join(temp.dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  };

  beforeEach(async () => {
    temp = tempDir();
    database = await createTestDatabase();
    run = commandLine(database.url);
  });
  afterEach(async () => {
    await database.drop();
    temp.remove();
  });

  it.each(['small-election.json', 'demo-election.json'] as const)('round-trips %s losslessly', async (name) => {
    const file = write('in.json', fixtureText(name));
    expect((await run('import', file)).code).toBe(0);
    const first = await run('export', loadFixture(name).election.slug);
    expect(first.code).toBe(0);
    // The export says exactly what the file said.
    expect(JSON.parse(first.stdout)).toEqual(loadFixture(name));

    const again = write('again.json', first.stdout);
    expect((await run('import', again)).code).toBe(0);
    const second = await run('export', loadFixture(name).election.slug);
    expect(second.stdout).toBe(first.stdout);
  });

  it('refuses a package with faults, names each, and leaves the database as it was', async () => {
    expect((await run('import', write('ok.json', fixtureText('small-election.json')))).code).toBe(0);
    const before = await snapshot(database.url);

    const result = await run('import', write('bad.json', packageWithTwentyFaults()));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Import refused: ${TWENTY_FAULTS.length} faults in`);
    for (const line of TWENTY_FAULTS) expect(result.stderr).toContain(`  ${line}\n`);
    expect(result.stderr).toContain('Nothing was written.');
    expect(await snapshot(database.url)).toEqual(before);
    // SQLite: not even a write-ahead log was left behind.
    if (!onPostgres) expect(existsSync(`${sqlitePath(database.url)}-wal`)).toBe(false);
  });

  it('is idempotent: a second import of the same file changes nothing and records no history', async () => {
    const file = write('in.json', fixtureText('small-election.json'));
    await run('import', file);
    const first = (await run('export', 'vila-pequena-2028')).stdout;
    const second = await run('import', file);
    expect(second.stdout).toContain('0 new history entries');
    expect((await run('export', 'vila-pequena-2028')).stdout).toBe(first);
    const candidates = await inspect(database.url, (db) => db.selectFrom('candidates').select('id').execute());
    expect(candidates).toHaveLength(4);
  });

  it('records changes to published answers in the hash-chained history, and refuses to erase it', async () => {
    await run('import', write('in.json', fixtureText('small-election.json')));
    const changed = loadFixture('small-election.json');
    changed.candidates[0]!.answers!.s1 = { value: 2, justification: 'Mudei de ideia depois do debate.' };
    delete changed.candidates[0]!.answers!.s2;
    const result = await run('import', write('changed.json', changed));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 new history entries');

    await inspect(database.url, async (db) => {
      const rows = await db
        .selectFrom('answer_history')
        .select(['seq', 'old_answered', 'old_value', 'old_text_sha256', 'new_answered', 'new_value', 'new_text_sha256'])
        .orderBy('seq')
        .execute();
      // The chain holds each justification's SHA-256; the words are kept beside it.
      expect(rows).toEqual([
        { seq: 1, old_answered: 1, old_value: 5, old_text_sha256: sha256Of('A cidade perdeu sombra nas últimas décadas.'), new_answered: 1, new_value: 2, new_text_sha256: sha256Of('Mudei de ideia depois do debate.') },
        { seq: 2, old_answered: 1, old_value: 4, old_text_sha256: null, new_answered: 0, new_value: null, new_text_sha256: null },
      ]);
      const kept = await db.selectFrom('justification_texts').select('text').where('sha256', '=', sha256Of('Mudei de ideia depois do debate.')).executeTakeFirstOrThrow();
      expect(kept.text).toBe('Mudei de ideia depois do debate.');
      // Append-only: the database itself refuses to change or delete history.
      await expect(sql`update answer_history set new_value = 5`.execute(db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from answer_history`.execute(db)).rejects.toThrow(/append-only/);
    });

    const verified = await run('verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('History of “vila-pequena-2028”: 2 entries, chain intact.');

    // A package that drops the candidate would erase public history: refused, nothing written.
    const before = await snapshot(database.url);
    const without = loadFixture('small-election.json');
    without.candidates.shift();
    const refused = await run('import', write('without.json', without));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the candidate “ana” has a public change history and cannot be removed');
    expect(await snapshot(database.url)).toEqual(before);
  });

  it('verify finds history edited behind the database’s back', async () => {
    await run('import', write('in.json', fixtureText('small-election.json')));
    const changed = loadFixture('small-election.json');
    changed.candidates[0]!.answers!.s1 = { value: 1 };
    await run('import', write('changed.json', changed));

    await tamperWithHistory(database.url, 'update answer_history set new_value = 5 where seq = 1');

    const result = await run('verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('History of “vila-pequena-2028” is broken at entry 1: hash does not match content');
    expect(result.stdout).toContain('Verification FAILED');
  });

  it('exports to a file with --out and reports an unknown election', async () => {
    await run('import', write('in.json', fixtureText('small-election.json')));
    const out = path.join(temp.dir, 'out.json');
    expect((await run('export', 'vila-pequena-2028', '--out', out)).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(loadFixture('small-election.json'));
    const missing = await run('export', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No election has the id “nope”.');
  });

  it('explains bad command lines', async () => {
    expect((await run('frobnicate')).stderr).toContain('Unknown command “frobnicate”.');
    expect((await run('import')).code).toBe(2);
    const unreadable = await run('import', path.join(temp.dir, 'missing.json'));
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain('Cannot read');
    expect((await run('export', 'x', '--bogus')).stderr).toContain('Unknown option “--bogus”.');
  });
});
