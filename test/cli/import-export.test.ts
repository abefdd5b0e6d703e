import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliRunner } from '../helpers/cli.js';
import { fixtureText, loadFixture, packageWithTwentyFaults, TWENTY_FAULTS } from '../helpers/packages.js';
import { tempDir } from '../helpers/app.js';

/** Runs the command line in-process with its own database and captures what it prints. */
const cli = (dbFile: string) => cliRunner(() => `sqlite:${dbFile}`);

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('concordo import / export', () => {
  let temp: ReturnType<typeof tempDir>;
  let dbFile: string;
  let run: ReturnType<typeof cli>;
  const write = (name: string, content: unknown) => {
    const file = path.join(temp.dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  };

  beforeEach(() => {
    temp = tempDir();
    dbFile = path.join(temp.dir, 'concordo.db');
    run = cli(dbFile);
  });
  afterEach(() => temp.remove());

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

  it('refuses a package with faults, names each, and leaves the database byte-identical', async () => {
    expect((await run('import', write('ok.json', fixtureText('small-election.json')))).code).toBe(0);
    const before = sha256(dbFile);

    const result = await run('import', write('bad.json', packageWithTwentyFaults()));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Import refused: ${TWENTY_FAULTS.length} faults in`);
    for (const line of TWENTY_FAULTS) expect(result.stderr).toContain(`  ${line}\n`);
    expect(result.stderr).toContain('Nothing was written.');
    expect(sha256(dbFile)).toBe(before);
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
  });

  it('is idempotent: a second import of the same file changes nothing and records no history', async () => {
    const file = write('in.json', fixtureText('small-election.json'));
    await run('import', file);
    const first = (await run('export', 'vila-pequena-2028')).stdout;
    const second = await run('import', file);
    expect(second.stdout).toContain('0 new history entries');
    expect((await run('export', 'vila-pequena-2028')).stdout).toBe(first);
    const db = new SQLite(dbFile, { readonly: true });
    expect(db.prepare('select count(*) as n from candidates').get()).toEqual({ n: 4 });
    db.close();
  });

  it('records changes to published answers in the hash-chained history, and refuses to erase it', async () => {
    await run('import', write('in.json', fixtureText('small-election.json')));
    const changed = loadFixture('small-election.json');
    changed.candidates[0]!.answers!.s1 = { value: 2, justification: 'Mudei de ideia depois do debate.' };
    delete changed.candidates[0]!.answers!.s2;
    const result = await run('import', write('changed.json', changed));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 new history entries');

    const db = new SQLite(dbFile);
    const rows = db.prepare('select seq, old_value, new_value, new_justification from answer_history order by seq').all();
    expect(rows).toEqual([
      { seq: 1, old_value: 5, new_value: 2, new_justification: 'Mudei de ideia depois do debate.' },
      { seq: 2, old_value: 4, new_value: null, new_justification: null },
    ]);
    // Append-only: the database itself refuses to change or delete history.
    expect(() => db.prepare('update answer_history set new_value = 5').run()).toThrow(/append-only/);
    expect(() => db.prepare('delete from answer_history').run()).toThrow(/append-only/);
    db.close();

    const verified = await run('verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('History of “vila-pequena-2028”: 2 entries, chain intact.');

    // A package that drops the candidate would erase public history: refused, nothing written.
    const before = sha256(dbFile);
    const without = loadFixture('small-election.json');
    without.candidates.shift();
    const refused = await run('import', write('without.json', without));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the candidate “ana” has a public change history and cannot be removed');
    expect(sha256(dbFile)).toBe(before);
  });

  it('verify finds history edited behind the database’s back', async () => {
    await run('import', write('in.json', fixtureText('small-election.json')));
    const changed = loadFixture('small-election.json');
    changed.candidates[0]!.answers!.s1 = { value: 1 };
    await run('import', write('changed.json', changed));

    const db = new SQLite(dbFile);
    db.exec('drop trigger answer_history_no_update');
    db.prepare('update answer_history set new_value = 5 where seq = 1').run();
    db.close();

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
