import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import type { TestContext as VitestContext } from 'vitest';
import { databaseKind, sqlitePath, type Db } from '../../src/db/client.js';

/*
 * The database a test runs on. By default a SQLite file in a temporary folder;
 * with TEST_DATABASE_URL=postgres://… (an account that may create databases),
 * a fresh PostgreSQL database `concordo_t_<random>` per test database, dropped
 * when the test is done. The same tests thus run on both engines.
 */

/** The admin connection for PostgreSQL test databases, when the suite runs on PostgreSQL. */
const adminUrl = process.env.TEST_DATABASE_URL || null;

if (adminUrl !== null && databaseKind(adminUrl) !== 'postgres') {
  throw new Error('TEST_DATABASE_URL must be a postgres:// URL');
}

/** True when this run of the suite is on PostgreSQL. */
export const onPostgres = adminUrl !== null;

/** A temporary folder removed when the returned function is called. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'concordo-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Skips a test about SQLite itself when the suite runs on PostgreSQL, printing why. */
export function skipOnPostgres(context: VitestContext, reason: string): void {
  if (!onPostgres) return;
  // eslint-disable-next-line no-console
  console.warn(`Skipped on PostgreSQL: “${context.task.name}”: ${reason}`);
  context.skip(reason);
}

export interface TestDatabase {
  /** A `DATABASE_URL` for the app, the command line or a server process. */
  url: string;
  /** Removes the database (close every connection to it first). */
  drop: () => Promise<void>;
}

/** A new, empty database: a SQLite file in a temporary folder, or a PostgreSQL database of its own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (adminUrl === null) {
    const temp = tempDir();
    return { url: `sqlite:${path.join(temp.dir, 'test.db')}`, drop: async () => temp.remove() };
  }
  const name = `concordo_t_${randomBytes(6).toString('hex')}`;
  await onAdmin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // Without `force`: PostgreSQL waits a few seconds for closing connections to go, and a
  // connection a test forgot to close makes the drop fail rather than being cut off.
  return { url: url.toString(), drop: () => onAdmin(`drop database if exists ${name}`) };
}

async function onAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl! });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Changes the history or the texts it names behind the application's back, as
 * someone with direct access to the database could: the triggers that keep
 * the history append-only and the texts unchanged (but by redaction) are
 * switched off first.
 */
export async function tamperWithHistory(url: string, statements: string | string[]): Promise<void> {
  const untrigger =
    databaseKind(url) === 'sqlite'
      ? ['drop trigger answer_history_no_update', 'drop trigger answer_history_no_delete', 'drop trigger justification_texts_guard']
      : ['alter table answer_history disable trigger answer_history_append_only', 'alter table justification_texts disable trigger justification_texts_guard'];
  await writeElsewhere(url, [...untrigger, ...(typeof statements === 'string' ? [statements] : statements)]);
}

/** Runs statements on a connection of its own, as another process (or a person at a SQL prompt) would. */
export async function writeElsewhere(url: string, statements: string[]): Promise<void> {
  if (databaseKind(url) === 'sqlite') {
    const raw = new SQLite(sqlitePath(url));
    try {
      for (const statement of statements) raw.exec(statement);
    } finally {
      raw.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Every row of every table (but the migrator's own), each table's rows sorted:
 * two equal dumps mean nothing was written.
 */
export async function dumpTables(db: Db): Promise<Record<string, unknown[]>> {
  const tables = (await db.introspection.getTables())
    .map((table) => table.name)
    .filter((name) => !name.startsWith('kysely_'))
    .sort();
  const dump: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = (await sql`select * from ${sql.table(table)}`.execute(db)).rows.map((row) => JSON.stringify(row));
    dump[table] = rows.sort();
  }
  return dump;
}
