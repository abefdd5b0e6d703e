import type { Db } from '../db/client.js';
import {
  PackageConflictError,
  readElectionPackage,
  writeElectionPackage,
  type PackageWriteSummary,
} from '../db/repositories/election-packages.js';
import type { Clock } from '../domain/clock.js';
import { readPackageJson, validatePackage, type ElectionPackage, type PackageError } from '../formats/election-package.js';

export type ImportOutcome =
  | { ok: true; summary: PackageWriteSummary }
  | { ok: false; errors: PackageError[] | null; conflict: PackageConflictError | null; otherElection?: string };

/**
 * Imports a package's text atomically: nothing is written unless the whole
 * package is valid and the database accepts all of it. With `election`, the
 * package must be that election's (an import page imports into its own
 * election only): its slug is read from the parsed package, wherever its
 * parts stand in the text and however its keys are written.
 */
export async function importElectionPackage(
  deps: { db: Db; clock: Clock },
  input: { source: string; actor: string; election?: string },
): Promise<ImportOutcome> {
  const read = readPackageJson(input.source);
  if (!read.ok) return { ok: false, errors: read.errors, conflict: null };
  const slug = electionSlugOf(read.json);
  if (input.election !== undefined && slug !== undefined && slug !== input.election) return { ok: false, errors: null, conflict: null, otherElection: slug };
  const parsed = validatePackage(read.json);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, conflict: null };
  return writePackage(deps, { pkg: parsed.value, actor: input.actor });
}

/** The election slug a parsed package names, before the package is checked, when it names one. */
function electionSlugOf(json: unknown): string | undefined {
  const election = json !== null && typeof json === 'object' ? (json as Record<string, unknown>).election : undefined;
  const slug = election !== null && typeof election === 'object' ? (election as Record<string, unknown>).slug : undefined;
  return typeof slug === 'string' ? slug : undefined;
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
