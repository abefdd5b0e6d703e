import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, type DatabaseConnection, type Dialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { countWrite } from './writes.js';

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
 * `synchronous=FULL` (an acknowledged save survives power loss) and a busy
 * timeout, so concurrent writers wait instead of failing.
 */
export function createDb(databaseUrl: string): Db {
  if (databaseKind(databaseUrl) === 'sqlite') {
    const file = sqlitePath(databaseUrl);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const database = new SQLite(file);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = FULL');
    database.pragma('busy_timeout = 5000');
    return new Kysely<Database>({ dialect: countingCommits(new SqliteDialect({ database: keepingStatements(database) })) });
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  return new Kysely<Database>({ dialect: countingCommits(new PostgresDialect({ pool })) });
}

/** Prepared statements kept per SQL text, least recently used out first. */
const KEPT_STATEMENTS = 256;

/**
 * The database as Kysely's SQLite driver sees it, with prepared statements
 * kept: the driver prepares every query anew, which cost a candidate's save
 * (a dozen statements) about a tenth of its time. The driver runs one query at
 * a time on its one connection, so a kept statement is never in use twice.
 */
function keepingStatements(database: SQLite.Database): SqliteDatabase {
  const kept = new Map<string, SQLite.Statement>();
  return {
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

/** The dialect, with every committed transaction counted (db/writes.ts). */
function countingCommits(dialect: Dialect): Dialect {
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
      // The drivers keep private fields: every other method runs on the driver itself.
      return new Proxy(driver, {
        get: (target, property) => {
          if (property === 'commitTransaction') return commitTransaction;
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
