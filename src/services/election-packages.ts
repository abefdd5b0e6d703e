import type { Db } from '../db/client.js';
import {
  PackageConflictError,
  readElectionPackage,
  writeElectionPackage,
  type PackageWriteSummary,
} from '../db/repositories/election-packages.js';
import type { Clock } from '../domain/clock.js';
import { parsePackageText, type ElectionPackage, type PackageError } from '../formats/election-package.js';

export type ImportOutcome =
  | { ok: true; summary: PackageWriteSummary }
  | { ok: false; errors: PackageError[] | null; conflict: PackageConflictError | null };

/**
 * Imports a package's text atomically: nothing is written unless the whole
 * package is valid and the database accepts all of it.
 */
export async function importElectionPackage(
  deps: { db: Db; clock: Clock },
  input: { source: string; actor: string },
): Promise<ImportOutcome> {
  const parsed = parsePackageText(input.source);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, conflict: null };
  return writePackage(deps, { pkg: parsed.value, actor: input.actor });
}

/** Writes an already validated package in one transaction, with an audit-log entry. */
export async function writePackage(
  deps: { db: Db; clock: Clock },
  input: { pkg: ElectionPackage; actor: string },
): Promise<ImportOutcome> {
  const now = deps.clock.now().toISOString();
  try {
    const summary = await deps.db.transaction().execute(async (trx) => {
      const result = await writeElectionPackage(trx, input.pkg, now);
      await trx
        .insertInto('audit_log')
        .values({
          election_id: result.electionId,
          actor: input.actor,
          action: 'import-package',
          details: JSON.stringify({ counts: result.counts, historyEntries: result.historyEntries }),
          created_at: now,
        })
        .execute();
      return result;
    });
    return { ok: true, summary };
  } catch (error) {
    if (error instanceof PackageConflictError) return { ok: false, errors: null, conflict: error };
    throw error;
  }
}

/** The election as a package, or null when there is no election with that slug. */
export function exportElectionPackage(deps: { db: Db }, slug: string): Promise<ElectionPackage | null> {
  return readElectionPackage(deps.db, slug);
}

/** The canonical text of a package file: two-space JSON and a final newline. */
export function packageText(pkg: ElectionPackage): string {
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
