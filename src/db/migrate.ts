import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Db } from './client.js';

const migrationFolder = fileURLToPath(new URL('../../db/migrations', import.meta.url));

/**
 * Reads db/migrations like Kysely's FileMigrationProvider, but imports from
 * this module, so the TypeScript loader in use (tsx, or vitest's) applies to the
 * migration files too; Kysely's own provider imports from node_modules, where
 * vitest's loader does not reach.
 */
const folderProvider: MigrationProvider = {
  async getMigrations() {
    const files = (await readdir(migrationFolder)).filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const module = (await import(pathToFileURL(path.join(migrationFolder, file)).href)) as Migration;
      migrations[file.replace(/\.(ts|js|mjs)$/, '')] = module;
    }
    return migrations;
  },
};

/** Brings the database to the newest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: folderProvider });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error) {
    const where = failed ? ` in ${failed.migrationName}` : '';
    throw new Error(`Migration failed${where}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/** Brings the database to a named migration, up or down (tests of a migration start from the one before it). */
export async function migrateTo(db: Db, migrationName: string): Promise<void> {
  const migrator = new Migrator({ db, provider: folderProvider });
  const { error } = await migrator.migrateTo(migrationName);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
