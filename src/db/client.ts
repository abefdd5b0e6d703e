import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, type CompiledQuery, PostgresDialect, SqliteDialect, type DatabaseConnection, type Dialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { countWrite } from './writes.js';
import { GroupSync, walSync } from './group-sync.js';

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
 * Opens the database a URL names. SQLite runs in WAL mode with foreign keys,
 * group commit (an acknowledged write survives power loss; see
 * group-sync.ts) and a busy timeout, so concurrent writers wait instead of
 * failing.
 */
export function createDb(databaseUrl: string): Db {
  if (databaseKind(databaseUrl) === 'sqlite') {
    const file = sqlitePath(databaseUrl);
    if (file !== ':memory:') {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
      createOwnerOnly(file);
    }
    const database = new SQLite(file);
    const withLog = database.pragma('journal_mode = WAL', { simple: true }) === 'wal';
    database.pragma('foreign_keys = ON');
    // Commits do not wait for the disk; writes are acknowledged after a shared sync of the log (group-sync.ts).
    // Without a log (in memory, or on a file system that cannot share one), SQLite syncs each commit itself.
    database.pragma(`synchronous = ${withLog ? 'NORMAL' : 'FULL'}`);
    database.pragma('busy_timeout = 5000');
    const kept = keepingStatements(database);
    const log = withLog ? walSync(file) : undefined;
    const dialect = new SqliteDialect({ database: { ...kept, close: () => (kept.close(), void log?.close()) } });
    return new Kysely<Database>({ dialect: watchingCommits(dialect, log && syncingWrites(database, kept, new GroupSync(log.sync))) });
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  return new Kysely<Database>({ dialect: watchingCommits(new PostgresDialect({ pool })) });
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

/** Prepared statements kept per SQL text, least recently used out first. */
const KEPT_STATEMENTS = 256;

/**
 * The database as Kysely's SQLite driver sees it, with prepared statements
 * kept: the driver prepares every query anew, which cost a candidate's save
 * (a dozen statements) about a tenth of its time. The driver runs one query at
 * a time on its one connection, so a kept statement is never in use twice.
 */
function keepingStatements(database: SQLite.Database): SqliteDatabase & { kept: (query: string) => SQLite.Statement | undefined } {
  const kept = new Map<string, SQLite.Statement>();
  return {
    kept: (query) => kept.get(query),
    close: () => database.close(),
    prepare: (query) => {
      let statement = kept.get(query);
      if (statement) {
        kept.delete(query);
      } else {
        statement = database.prepare(query);
        if (kept.size >= KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
      }
      kept.set(query, statement);
      return statement;
    },
  };
}

/** What a connection needs to know to acknowledge writes only once they are on disk. */
interface Syncing {
  /** Whether the query that just ran wrote (BEGIN, COMMIT and ROLLBACK do not). */
  wrote: (query: string) => boolean;
  inTransaction: () => boolean;
  sync: () => Promise<void>;
}

function syncingWrites(database: SQLite.Database, statements: { kept: (query: string) => SQLite.Statement | undefined }, group: GroupSync): Syncing {
  return {
    wrote: (query) => statements.kept(query)?.readonly === false,
    inTransaction: () => database.inTransaction,
    sync: () => group.sync(),
  };
}

/**
 * The dialect, with every committed transaction counted (db/writes.ts) and,
 * given `syncing`, every query that committed a write answered only once it
 * is on disk: after the connection is given back, so that other requests use
 * the database while the sync runs.
 */
function watchingCommits(dialect: Dialect, syncing?: Syncing): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => {
      const driver = dialect.createDriver();
      const commitTransaction = async (connection: DatabaseConnection) => {
        try {
          await driver.commitTransaction(connection);
        } finally {
          // Counted even when the commit fails: a needless recheck costs one small query.
          countWrite();
        }
      };
      // Connections that committed a write and are still to be synced.
      const unsynced = new WeakSet<DatabaseConnection>();
      const acquireConnection = async (): Promise<DatabaseConnection> => {
        const connection = await driver.acquireConnection();
        if (!syncing) return connection;
        // Writes since the last commit: a transaction that only read, or was rolled back, needs no sync.
        let wrote = false;
        const syncingConnection: DatabaseConnection = {
          executeQuery: async <R>(query: CompiledQuery) => {
            const result = await connection.executeQuery<R>(query);
            wrote = (wrote && query.sql !== 'rollback') || syncing.wrote(query.sql);
            // Committed: by COMMIT, or by a write outside a transaction.
            if (wrote && !syncing.inTransaction()) {
              unsynced.add(syncingConnection);
              wrote = false;
            }
            return result;
          },
          streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
        };
        return syncingConnection;
      };
      const releaseConnection = async (connection: DatabaseConnection) => {
        await driver.releaseConnection(connection);
        if (syncing && unsynced.delete(connection)) await syncing.sync();
      };
      // The drivers keep private fields: every other method runs on the driver itself.
      return new Proxy(driver, {
        get: (target, property) => {
          if (property === 'commitTransaction') return commitTransaction;
          if (property === 'acquireConnection') return acquireConnection;
          if (property === 'releaseConnection') return releaseConnection;
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
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
