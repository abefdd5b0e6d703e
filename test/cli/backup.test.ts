import path from 'node:path';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createDb, type Db } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { writePackage } from '../../src/services/election-packages.js';
import { fixedClock, tempDir } from '../helpers/app.js';
import { fixtureText, loadFixture } from '../helpers/packages.js';

describe('concordo backup', () => {
  let temp: ReturnType<typeof tempDir>;
  let dbFile: string;
  let db: Db;
  const run = async (env: Record<string, string>, ...argv: string[]) => {
    let out = '';
    const code = await runCli(argv, { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: { LANG: 'en_US.UTF-8', ...env } });
    return { code, out };
  };

  beforeEach(async () => {
    temp = tempDir();
    dbFile = path.join(temp.dir, 'live.db');
    db = createDb(`sqlite:${dbFile}`);
    await migrateToLatest(db);
  });
  afterEach(async () => {
    await db.destroy();
    temp.remove();
  });

  it('copies the database online while it is being written, and the copy verifies', async () => {
    const clock = fixedClock();
    const pkg = loadFixture('small-election.json');
    expect((await writePackage({ db, clock }, { pkg, actor: 'test' })).ok).toBe(true);
    // A steady stream of published changes (each adds a chained history entry) while the backup runs.
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      while (writing) {
        writes += 1;
        pkg.candidates[0]!.answers!.s2 = { value: writes % 2 === 0 ? 2 : 4, justification: `mudança ${writes}` };
        await writePackage({ db, clock }, { pkg, actor: 'test' });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const backup = path.join(temp.dir, 'copy.db');
    const result = await run({ DATABASE_URL: `sqlite:${dbFile}` }, 'backup', backup);
    writing = false;
    await writer;
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Backup written to ${backup}.`);
    expect(writes).toBeGreaterThan(0);

    // The copy is a consistent database: integrity, foreign keys and every history chain hold.
    const verified = await run({ DATABASE_URL: `sqlite:${backup}` }, 'verify');
    expect(verified.out).toContain('Database verified');
    expect(verified.code).toBe(0);
    const exported = await run({ DATABASE_URL: `sqlite:${backup}` }, 'export', 'vila-pequena-2028');
    expect(JSON.parse(exported.out.slice(0, exported.out.lastIndexOf('}') + 1)).candidates).toHaveLength(4);
  });

  it('refuses to overwrite a file, and points PostgreSQL users to pg_dump', async () => {
    const existing = path.join(temp.dir, 'there.db');
    writeFileSync(existing, fixtureText('small-election.json'));
    const refused = await run({ DATABASE_URL: `sqlite:${dbFile}` }, 'backup', existing);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('already exists');
    const pg = await run({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, 'backup', path.join(temp.dir, 'x.db'));
    expect(pg.code).toBe(1);
    expect(pg.out).toContain('pg_dump');
  });

  it('writes the database, its log and its backups readable by their owner only', async () => {
    const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);
    // The live database of beforeEach, open and written: file, write-ahead log and its index.
    expect((await writePackage({ db, clock: fixedClock() }, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    for (const file of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) {
      expect(existsSync(file), file).toBe(true);
      expect(mode(file), file).toBe('600');
    }
    // A database the command line creates, and a backup of it.
    const fresh = path.join(temp.dir, 'data', 'fresh.db');
    expect((await run({ DATABASE_URL: `sqlite:${fresh}` }, 'migrate')).code).toBe(0);
    expect(mode(fresh)).toBe('600');
    expect(mode(path.dirname(fresh))).toBe('700');
    const backup = path.join(temp.dir, 'copy.db');
    expect((await run({ DATABASE_URL: `sqlite:${dbFile}` }, 'backup', backup)).code).toBe(0);
    expect(mode(backup)).toBe('600');
  });
});
