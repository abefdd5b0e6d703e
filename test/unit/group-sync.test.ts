import { open } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { GroupSync } from '../../src/db/group-sync.js';
import { skipOnPostgres, tempDir } from '../helpers/database.js';

/** A sync whose every run finishes when the test says so. */
function heldSyncs() {
  const runs: Array<{ finish: () => void; fail: (error: Error) => void }> = [];
  const group = new GroupSync(
    () =>
      new Promise<void>((resolve, reject) => {
        runs.push({ finish: resolve, fail: reject });
      }),
  );
  return { group, runs };
}

/** Lets every promise that can settle settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('answers a write once a sync that started after it has finished, and lets later writes share the next one', async () => {
    const { group, runs } = heldSyncs();
    const first = vi.fn();
    void group.sync().then(first);
    expect(runs).toHaveLength(1);
    // Written while the first sync runs: that sync may have started before these writes.
    const later = [vi.fn(), vi.fn(), vi.fn()];
    for (const done of later) void group.sync().then(done);
    await settle();
    expect(runs).toHaveLength(1);
    runs[0]!.finish();
    await settle();
    expect(first).toHaveBeenCalled();
    for (const done of later) expect(done).not.toHaveBeenCalled();
    // All three wait on one more sync, not three.
    expect(runs).toHaveLength(2);
    runs[1]!.finish();
    await settle();
    for (const done of later) expect(done).toHaveBeenCalled();
    void group.sync();
    expect(runs).toHaveLength(3);
  });

  it('fails the writes waiting on a sync that failed, and syncs afresh for the next', async () => {
    const { group, runs } = heldSyncs();
    const first = group.sync();
    const meanwhile = [group.sync(), group.sync()];
    runs[0]!.fail(new Error('disk gone'));
    await expect(first).rejects.toThrow('disk gone');
    await settle();
    expect(runs).toHaveLength(2);
    runs[1]!.fail(new Error('disk still gone'));
    for (const write of meanwhile) await expect(write).rejects.toThrow('disk still gone');
    const next = group.sync();
    expect(runs).toHaveLength(3);
    runs[2]!.finish();
    await expect(next).resolves.toBeUndefined();
  });
});

describe('SQLite writes', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A database in a temporary folder, and its write-ahead log's fsyncs, each finishing when the test says so. */
  async function database(): Promise<{ db: Db; syncs: Array<() => void> }> {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const file = path.join(temp.dir, 'w.db');
    const db = createDb(`sqlite:${file}`);
    cleanups.push(() => db.destroy());
    await sql`create table notes (text text not null)`.execute(db);
    // Every file handle shares the prototype that holds `sync` (fsync).
    const handle = await open(file, 'r');
    const prototype = Object.getPrototypeOf(handle) as { sync: () => Promise<void> };
    await handle.close();
    const syncs: Array<() => void> = [];
    vi.spyOn(prototype, 'sync').mockImplementation(() => new Promise<void>((resolve) => syncs.push(resolve)));
    return { db, syncs };
  }

  const insert = (db: Db, text: string) => sql`insert into notes (text) values (${text})`.execute(db);

  /** Checks that `write` starts sync number `index` and is answered only once that sync finishes. */
  async function answeredAfterSync(syncs: Array<() => void>, index: number, write: Promise<unknown>): Promise<void> {
    const answered = vi.fn();
    void write.then(answered);
    await settle();
    expect(syncs).toHaveLength(index + 1);
    expect(answered).not.toHaveBeenCalled();
    syncs[index]!();
    await settle();
    expect(answered).toHaveBeenCalled();
  }

  it('acknowledges a write, in a transaction or on its own, only after the log is synced', async (test) => {
    skipOnPostgres(test, 'group commit is how SQLite syncs here; PostgreSQL syncs its own commits');
    const { db, syncs } = await database();
    await answeredAfterSync(syncs, 0, insert(db, 'alone'));
    // One sync for the whole transaction, after its commit.
    await answeredAfterSync(
      syncs,
      1,
      db.transaction().execute(async (trx) => {
        await insert(trx, 'one');
        await insert(trx, 'two');
      }),
    );
  });

  it('lets reads and other writes use the database while a sync runs, and syncs those writes together', async (test) => {
    skipOnPostgres(test, 'group commit is how SQLite syncs here; PostgreSQL syncs its own commits');
    const { db, syncs } = await database();
    const first = insert(db, 'first');
    await settle();
    expect(syncs).toHaveLength(1);
    // While the first sync runs: a read is answered, and ten writes commit.
    const count = async () => Number((await sql<{ n: number }>`select count(*) as n from notes`.execute(db)).rows[0]!.n);
    expect(await count()).toBe(1);
    const saves = Array.from({ length: 10 }, (_, i) => db.transaction().execute((trx) => insert(trx, `save ${i}`)));
    await settle();
    expect(await count()).toBe(11);
    expect(syncs).toHaveLength(1);
    syncs[0]!();
    await first;
    await settle();
    // The ten share the one sync that started after them.
    expect(syncs).toHaveLength(2);
    syncs[1]!();
    await Promise.all(saves);
  });

  it('leaves the syncing to SQLite where there is no write-ahead log (a database in memory)', async (test) => {
    skipOnPostgres(test, 'group commit is how SQLite syncs here; PostgreSQL syncs its own commits');
    const { syncs } = await database();
    const db = createDb('sqlite::memory:');
    cleanups.push(() => db.destroy());
    await sql`create table notes (text text not null)`.execute(db);
    await insert(db, 'in memory');
    // synchronous: 2 is FULL.
    expect(Object.values((await sql.raw('pragma synchronous').execute(db)).rows[0] as object)[0]).toBe(2);
    expect(syncs).toHaveLength(0);
  });

  it('does not sync for reads', async (test) => {
    skipOnPostgres(test, 'group commit is how SQLite syncs here; PostgreSQL syncs its own commits');
    const { db, syncs } = await database();
    await db.transaction().execute((trx) => sql`select count(*) from notes`.execute(trx));
    await sql`select 1`.execute(db);
    expect(syncs).toHaveLength(0);
  });
});
