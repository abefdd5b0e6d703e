import { createHash } from 'node:crypto';

/**
 * The public change history of published answers is append-only and
 * hash-chained per election: each entry's hash covers its content and the
 * previous entry's hash, so removing or editing any entry breaks every later
 * link. Entries name candidates and statements by their public ids, so anyone
 * holding the exported history can check the chain.
 *
 * An entry commits to the SHA-256 of each justification, not to its words
 * (SPEC §4): the words are kept beside the chain, where an organizer may hide
 * them, or a redaction (a court order) remove them for good, and the public
 * reason shows instead, while every chain still verifies. Words that are
 * there must still match their SHA-256.
 */

/** The hash before the first entry of an election's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 (hex) of a justification's words, as UTF-8: what the chain commits to. */
export function textSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** One side of a change (the answer before, or after) as the chain holds it. */
export interface ChainedSide {
  /** Whether there was an answer at all; its value may still be null ("preferred not to answer"). */
  answered: boolean;
  value: number | null;
  /** SHA-256 of the justification; null when there was none. */
  textSha256: string | null;
}

export interface HistoryEntryContent {
  seq: number;
  candidate: string;
  statement: string;
  old: ChainedSide;
  new: ChainedSide;
  /** ISO 8601, UTC. */
  changedAt: string;
  /** Who made the change: `candidate`, `import`, or `organizer` (at the candidate's request). */
  actor: string;
}

/**
 * SHA-256 (hex) over the previous hash and the entry, as a JSON array in a fixed order:
 * `[prevHash, seq, candidate, statement, oldAnswered, oldValue, oldTextSha256, newAnswered, newValue, newTextSha256, changedAt, actor]`.
 */
export function historyHash(prevHash: string, entry: HistoryEntryContent): string {
  const canonical = JSON.stringify([
    prevHash,
    entry.seq,
    entry.candidate,
    entry.statement,
    entry.old.answered,
    entry.old.value,
    entry.old.textSha256,
    entry.new.answered,
    entry.new.value,
    entry.new.textSha256,
    entry.changedAt,
    entry.actor,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export interface ChainedEntry extends HistoryEntryContent {
  prevHash: string;
  hash: string;
}

/** The words kept for a side's SHA-256: null once redacted. */
export interface KeptText {
  text: string | null;
  redacted: boolean;
}

/** An entry with the words kept for each side's SHA-256 (null where none are kept). */
export interface VerifiableEntry extends ChainedEntry {
  oldText: KeptText | null;
  newText: KeptText | null;
}

/** Why a chain does not hold. */
export type ChainProblem =
  | { code: 'sequence'; expected: number }
  | { code: 'previous_hash' }
  | { code: 'hash' }
  /** The chain names a justification whose words are not kept at all. */
  | { code: 'text_missing'; side: 'old' | 'new' }
  /** The words kept do not match the SHA-256 the chain commits to. */
  | { code: 'text_changed'; side: 'old' | 'new' }
  /** The words are gone, but no redaction removed them. */
  | { code: 'text_removed'; side: 'old' | 'new' };

/** The first place where a chain (in seq order) breaks, or null when it holds. */
export function findChainBreak(entries: readonly VerifiableEntry[]): ({ seq: number } & ChainProblem) | null {
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) return { seq: entry.seq, code: 'sequence', expected: expectedSeq };
    if (entry.prevHash !== expectedPrev) return { seq: entry.seq, code: 'previous_hash' };
    if (historyHash(entry.prevHash, entry) !== entry.hash) return { seq: entry.seq, code: 'hash' };
    for (const side of ['old', 'new'] as const) {
      const problem = textProblem(entry[side].textSha256, side === 'old' ? entry.oldText : entry.newText);
      if (problem) return { seq: entry.seq, code: problem, side };
    }
    expectedPrev = entry.hash;
    expectedSeq += 1;
  }
  return null;
}

function textProblem(sha256: string | null, kept: KeptText | null): 'text_missing' | 'text_changed' | 'text_removed' | null {
  if (sha256 === null) return null;
  if (kept === null) return 'text_missing';
  if (kept.text === null) return kept.redacted ? null : 'text_removed';
  return textSha256(kept.text) === sha256 ? null : 'text_changed';
}
