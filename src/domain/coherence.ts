import { position, roundHalfUp } from './matching.js';

/**
 * Promise coherence (SPEC §5.8): how an elected candidate's published answers
 * stand against their recorded votes, after the election.
 *
 * An organizer links a roll-call vote to a statement with a direction
 * d = +1 (a "yes" vote agrees with the statement) or d = −1 (a "yes" vote
 * disagrees with it). For one elected candidate, each link gives one pair:
 * their answer to the statement, and their vote in the roll call.
 *
 * A pair counts when the answer is published and not neutral (its position
 * p, SPEC §5.2, is not 0) and the vote is a recorded yes (x = +1) or no
 * (x = −1). A counted pair is consistent when sign(p) · d = x.
 *
 * Pairs that do not count are kept and named by why, the answer's reason
 * first: `no_answer` (no published answer, or "chose not to answer"),
 * `neutral` (the middle of an odd scale), then the vote's: `abstain`,
 * `absent`, or `no_vote` (the roll call holds no vote of the candidate).
 *
 * Coherence = consistent / counted, given only when at least
 * {@link MIN_COUNTED_PAIRS} pairs count; with fewer it is null.
 */

/** How a member of a chamber voted in one roll call (SPEC §6.4). */
export const ROLL_CALL_VOTES = ['yes', 'no', 'abstain', 'absent'] as const;
export type RollCallVote = (typeof ROLL_CALL_VOTES)[number];

/** +1: a yes vote agrees with the statement; −1: a yes vote disagrees with it. */
export type LinkDirection = 1 | -1;

/** Fewer counted pairs than this give no coherence figure. */
export const MIN_COUNTED_PAIRS = 3;

/** One statement–vote pair of one candidate, as the rule needs it. */
export interface CoherencePairInput {
  /** Points of the statement's scale (2–7). */
  scale: number;
  /** The published answer: 1…k, null for "chose not to answer", undefined when there is none. */
  answer: number | null | undefined;
  direction: LinkDirection;
  /** The recorded vote, or null when the roll call holds none of the candidate's. */
  vote: RollCallVote | null;
}

/** Why a pair does or does not count, and how it came out when it does. */
export const PAIR_OUTCOMES = ['consistent', 'inconsistent', 'no_answer', 'neutral', 'abstain', 'absent', 'no_vote'] as const;
export type PairOutcome = (typeof PAIR_OUTCOMES)[number];

export interface CoherenceResult<T> {
  /** Every pair given, in the order given, with its outcome. */
  pairs: Array<T & { outcome: PairOutcome }>;
  /** Pairs that count: a non-neutral published answer and a yes or no vote. */
  counted: number;
  consistent: number;
  /** consistent / counted, or null when fewer than MIN_COUNTED_PAIRS pairs count. */
  coherence: number | null;
  /** round(100 · coherence), half up; null with coherence. */
  percent: number | null;
}

/** The outcome of one pair under the rule above. */
export function pairOutcome(pair: CoherencePairInput): PairOutcome {
  if (pair.answer === null || pair.answer === undefined) return 'no_answer';
  const p = position(pair.answer, pair.scale);
  if (p === 0) return 'neutral';
  if (pair.vote === null) return 'no_vote';
  if (pair.vote === 'abstain' || pair.vote === 'absent') return pair.vote;
  const x = pair.vote === 'yes' ? 1 : -1;
  return Math.sign(p) * pair.direction === x ? 'consistent' : 'inconsistent';
}

/** Whether an outcome is one of the pairs that count. */
export function isCounted(outcome: PairOutcome): boolean {
  return outcome === 'consistent' || outcome === 'inconsistent';
}

/** Classifies a candidate's pairs and gives their coherence. */
export function assessCoherence<T extends CoherencePairInput>(pairs: readonly T[]): CoherenceResult<T> {
  let counted = 0;
  let consistent = 0;
  const classified = pairs.map((pair) => {
    const outcome = pairOutcome(pair);
    if (isCounted(outcome)) counted += 1;
    if (outcome === 'consistent') consistent += 1;
    return { ...pair, outcome };
  });
  const coherence = counted >= MIN_COUNTED_PAIRS ? consistent / counted : null;
  return { pairs: classified, counted, consistent, coherence, percent: coherence === null ? null : roundHalfUp(100 * coherence) };
}

/** A roll call: one recorded vote of a chamber on a bill. `key` is its public id (the files' vote_id). */
export interface RollCall {
  id: number;
  key: string;
  /** YYYY-MM-DD. */
  date: string;
  chamber: string;
  bill: string;
  title: string;
}

/** An organizer's link from a statement to a roll call that tests it, with the public explanation why. */
export interface RollCallLink {
  statementId: number;
  rollCallId: number;
  direction: LinkDirection;
  explanation: string;
}
