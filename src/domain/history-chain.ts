import { createHash } from 'node:crypto';

/**
 * The public change history of published answers is append-only and
 * hash-chained per election: each entry's hash covers its content and the
 * previous entry's hash, so removing or editing any entry breaks every later
 * link. Entries name candidates and statements by their public ids, so anyone
 * holding the exported history can check the chain.
 */

/** The hash before the first entry of an election's chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HistoryEntryContent {
  seq: number;
  candidate: string;
  statement: string;
  oldValue: number | null;
  newValue: number | null;
  oldJustification: string | null;
  newJustification: string | null;
  /** ISO 8601, UTC. */
  changedAt: string;
  /** Who made the change: `candidate`, `import`, or `organizer` (at the candidate's request). */
  actor: string;
}

/** SHA-256 (hex) over the previous hash and the entry, as a JSON array in a fixed order. */
export function historyHash(prevHash: string, entry: HistoryEntryContent): string {
  const canonical = JSON.stringify([
    prevHash,
    entry.seq,
    entry.candidate,
    entry.statement,
    entry.oldValue,
    entry.newValue,
    entry.oldJustification,
    entry.newJustification,
    entry.changedAt,
    entry.actor,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export interface ChainedEntry extends HistoryEntryContent {
  prevHash: string;
  hash: string;
}

/** The first place where a chain (in seq order) breaks, or null when it holds. */
export function findChainBreak(entries: readonly ChainedEntry[]): { seq: number; reason: string } | null {
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) return { seq: entry.seq, reason: `expected entry ${expectedSeq}` };
    if (entry.prevHash !== expectedPrev) return { seq: entry.seq, reason: 'previous hash does not match' };
    if (historyHash(entry.prevHash, entry) !== entry.hash) return { seq: entry.seq, reason: 'hash does not match content' };
    expectedPrev = entry.hash;
    expectedSeq += 1;
  }
  return null;
}
