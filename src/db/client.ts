import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, SqliteDriver, type Driver, type KyselyPlugin, type SqliteDialectConfig, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type SqliteDatabase, type UnknownRow } from 'kysely';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { GroupSync, walSync } from './group-sync.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

/** Which engine a `DATABASE_URL` names. */
export type DbKind = 'sqlite' | 'postgres';

export function databaseKind(databaseUrl: string): DbKind {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/** Whether an open database is PostgreSQL (for the few statements that differ by engine). */
export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The file path of a `sqlite:` URL (`sqlite:./data/x.db`, `sqlite:///abs/x.db`, `sqlite::memory:`). */
export function sqlitePath(databaseUrl: string): string {
  const rest = databaseUrl.slice('sqlite:'.length);
  if (rest === ':memory:') return rest;
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

/**
 * Opens the database a URL names. SQLite runs in WAL mode with foreign keys
 * and a busy timeout, so concurrent writers wait instead of failing, and with
 * group commit (group-sync.ts): commits return without waiting for the disk
 * (`synchronous=NORMAL`) and a write is answered once an fsync of the log that
 * started after it has finished, run off the event loop and shared by every
 * write committed meanwhile. So what the service acknowledges survives power
 * loss, as with `synchronous=FULL`, without an fsync on the event loop per
 * commit, which held every page a save's sync long under load. Without a
 * write-ahead log (a database in memory), SQLite syncs each commit itself.
 * Every database counts the writes it ran (`writesRun`).
 */
export function createDb(databaseUrl: string): Db {
  const plugins = [new WriteCounter()];
  if (databaseKind(databaseUrl) === 'sqlite') {
    const file = sqlitePath(databaseUrl);
    if (file !== ':memory:') {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
      createOwnerOnly(file);
    }
    const database = new SQLite(file);
    const withLog = database.pragma('journal_mode = WAL', { simple: true }) === 'wal';
    database.pragma('foreign_keys = ON');
    database.pragma(`synchronous = ${withLog ? 'NORMAL' : 'FULL'}`);
    database.pragma('busy_timeout = 5000');
    const statements = keepingStatements(database);
    if (!withLog) return new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }), plugins });
    const log = walSync(file);
    const config = { database: { ...statements, close: () => (statements.close(), void log.close()) } };
    return new Kysely<Database>({ dialect: new GroupCommitDialect(config, statements, new GroupSync(log.sync)), plugins });
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
}

/** Kysely's SQLite dialect, with a driver that answers a write only once it is on disk (see `createDb`). */
class GroupCommitDialect extends SqliteDialect {
  constructor(
    private readonly config: SqliteDialectConfig,
    private readonly statements: KeptStatements,
    private readonly group: GroupSync,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new GroupCommitDriver(this.config, this.statements, this.group);
  }
}

class GroupCommitDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly statements: KeptStatements,
    private readonly group: GroupSync,
  ) {
    super(config);
  }

  /**
   * The driver holds its one connection for a query, or for a whole transaction up to its commit:
   * when it gives it back, whatever it wrote is committed. Once given back (so that other requests
   * use the database meanwhile), the write waits for its sync.
   */
  override async releaseConnection(): Promise<void> {
    const wrote = this.statements.takeWrote();
    await super.releaseConnection();
    if (wrote) await this.group.sync();
  }
}

/**
 * How many writes (anything but a SELECT) this database handle has run, in
 * transactions or not. A process that remembers a version it read may trust it
 * while this count has not moved: see the read model.
 */
export function writesRun(db: Db): number {
  const counter = db.getExecutor().plugins.find((plugin) => plugin instanceof WriteCounter);
  return counter instanceof WriteCounter ? counter.count : 0;
}

/** Counts the queries that are not SELECTs, once they have run. Raw SQL counts too: a needless recheck costs one small query. */
class WriteCounter implements KyselyPlugin {
  count = 0;
  readonly #writes = new WeakSet<object>();

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    if (node.kind !== 'SelectQueryNode') this.#writes.add(queryId);
    return node;
  }

  transformResult({ queryId, result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#writes.has(queryId)) this.count += 1;
    return Promise.resolve(result);
  }
}

/**
 * Creates the database file, if it is not there yet, readable and writable by
 * its owner only (it holds e-mail addresses, password hashes, sessions and
 * links not yet used); SQLite gives its write-ahead log, the log's index and
 * any rollback journal the same mode. An existing file keeps the mode its
 * owner gave it.
 */
function createOwnerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
}

/** The database as Kysely's SQLite driver sees it, and whether what it ran since last asked wrote. */
type KeptStatements = SqliteDatabase & {
  /** True when a statement that writes ran since the last call (BEGIN, COMMIT and ROLLBACK do not write). */
  takeWrote(): boolean;
};

/**
 * The database with prepared statements kept per SQL text (the 256 most
 * recently used): the driver prepares every query anew, a cost on every save
 * (a dozen statements). The driver runs one query at a time on its one
 * connection, so a kept statement is never in use twice.
 */
function keepingStatements(database: SQLite.Database): KeptStatements {
  const kept = new LRUCache<string, SQLite.Statement>({ max: 256 });
  let wrote = false;
  return {
    close: () => database.close(),
    prepare: (query) => {
      let statement = kept.get(query);
      if (!statement) {
        statement = database.prepare(query);
        kept.set(query, statement);
      }
      // The driver prepares each statement just before it runs it.
      if (!statement.readonly) wrote = true;
      return statement;
    },
    takeWrote: () => {
      const was = wrote;
      wrote = false;
      return was;
    },
  };
}

/**
 * Copies a SQLite database with SQLite's online backup, which runs page by
 * page beside other connections (the service may keep writing meanwhile) and
 * yields a consistent snapshot.
 */
export async function backupSqlite(databaseUrl: string, target: string, onProgress?: (remaining: number, total: number) => void): Promise<void> {
  const source = new SQLite(sqlitePath(databaseUrl), { fileMustExist: true });
  try {
    // An empty file is an empty database to SQLite: the copy goes into one only its owner can read.
    closeSync(openSync(target, 'wx', 0o600));
    source.pragma('busy_timeout = 5000');
    await source.backup(target, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.(remainingPages, totalPages);
        return 256;
      },
    });
  } finally {
    source.close();
  }
}
