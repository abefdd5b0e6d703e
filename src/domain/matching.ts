import { shuffle, type RandomSource } from './fairness.js';

/**
 * The matching method of SPEC §5, over packed arrays so a race of thousands of
 * candidates scores in about a millisecond.
 *
 * Scale (§5.1): a statement has k points, 2 ≤ k ≤ 7, answers are integers 1…k
 * (1 strongest disagreement, k strongest agreement). 0 in the packed arrays
 * means "no answer" (skipped by the voter; missing or "no answer" for a candidate).
 *
 * Position (§5.2): p(v) = (v − 1)/(k − 1) − 1/2, in [−1/2, 1/2].
 *
 * Weights (§5.3): w ∈ {0, 1, 2}. The statements that count are
 * Q = { q : the voter answered q and w_q > 0 }; with |Q| below the election's
 * minimum there are no results.
 *
 * Missing candidate answers (§5.4): `penalty` places the candidate at the far
 * end from the voter (−1/2 when p_voter > 0, otherwise +1/2); `neutral` at 0.
 * A candidate with no answer at all in Q is not ranked.
 *
 * Methods (§5.5), with Δ_q = |p_voter − p_candidate|:
 * - cityblock: score = 100 · (1 − Σ w_q Δ_q / Σ w_q)
 * - euclidean: score = 100 · (1 − √(Σ w_q Δ_q² / Σ w_q))
 * - agreement: score = 100 · Σ w_q [v_voter = v_candidate] / Σ w_q
 *   (a missing candidate answer never equals the voter's, under either policy)
 *
 * Topic score: the same formula over Q ∩ topic; null where that set is empty.
 * Ranking uses unrounded scores; scores closer than 1e-9 are a tie, share a
 * rank (the next rank skips: 1, 2, 2, 4) and are ordered by a seeded shuffle.
 * Percent is round(score) half up.
 */

export const METHODS = ['cityblock', 'euclidean', 'agreement'] as const;
export type Method = (typeof METHODS)[number];

export const MISSING_POLICIES = ['penalty', 'neutral'] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

/** Scores that differ by less than this are a tie (§5.5). */
export const TIE_EPSILON = 1e-9;

/** The statements of a questionnaire, in questionnaire order. */
export interface MatchQuestionnaire {
  /** Points of each statement's scale (2–7). */
  scales: Uint8Array;
  /** Index of each statement's topic, 0 … topicCount − 1. */
  topics: Uint16Array;
  topicCount: number;
}

/** The answers of one race's candidates: row c, column s at `values[c * statementCount + s]`; 0 = none. */
export interface CandidateMatrix {
  candidateCount: number;
  values: Uint8Array;
}

/** A voter's answers (0 = skipped) and importance weights (0, 1 or 2), one per statement. */
export interface VoterAnswers {
  values: Uint8Array;
  weights: Uint8Array;
}

export interface MatchOptions {
  method: Method;
  missing: MissingPolicy;
  /** Fewer statements in Q than this give no results. */
  minAnswers: number;
  /** Orders ties and the unranked list. */
  random: RandomSource;
}

export interface RankedCandidate {
  /** Row of the candidate in the matrix. */
  candidate: number;
  /** Unrounded, 0–100. */
  score: number;
  /** round(score), half up. */
  percent: number;
  /** 1-based; tied candidates share it. */
  rank: number;
  /** One per topic; null where the voter counted no statement of that topic. */
  topics: Array<number | null>;
}

export type MatchOutcome =
  | { ok: true; counted: number; results: RankedCandidate[]; unranked: number[] }
  | { ok: false; reason: 'too_few_answers'; counted: number; required: number };

/** p(v) = (v − 1)/(k − 1) − 1/2. */
export function position(value: number, k: number): number {
  return (value - 1) / (k - 1) - 0.5;
}

/** round(x) half up, tolerant of floating error just below .5. */
export function roundHalfUp(score: number): number {
  return Math.floor(score + 0.5 + TIE_EPSILON);
}

/** Scores and ranks every candidate of a race against one voter. */
export function matchCandidates(
  questionnaire: MatchQuestionnaire,
  matrix: CandidateMatrix,
  voter: VoterAnswers,
  options: MatchOptions,
): MatchOutcome {
  const statementCount = questionnaire.scales.length;
  const topicCount = questionnaire.topicCount;
  // Q, with the voter's position and weight per counted statement.
  const counted: number[] = [];
  for (let s = 0; s < statementCount; s += 1) {
    if ((voter.values[s] ?? 0) > 0 && (voter.weights[s] ?? 0) > 0) counted.push(s);
  }
  if (counted.length < options.minAnswers) {
    return { ok: false, reason: 'too_few_answers', counted: counted.length, required: options.minAnswers };
  }
  // Grouped by topic (questionnaire order within each), so a candidate's topic sums are runs of Q.
  counted.sort((x, y) => questionnaire.topics[x]! - questionnaire.topics[y]! || x - y);
  const q = counted.length;
  const qStatement = Uint32Array.from(counted);
  const topicEnd = new Uint32Array(topicCount);
  const topicWeight = new Float64Array(topicCount);
  let weightSum = 0;

  // Each counted statement's weighted term for every possible candidate value (0 = missing),
  // computed once per voter, so scoring a candidate is a table lookup per statement.
  const method = options.method;
  const table = new Float64Array(8 * q);
  for (let i = 0; i < q; i += 1) {
    const s = qStatement[i]!;
    const k = questionnaire.scales[s]!;
    const v = voter.values[s]!;
    const w = voter.weights[s]!;
    const topic = questionnaire.topics[s]!;
    const pv = position(v, k);
    // Distance to a missing answer: to the far end (penalty) or to the middle (neutral).
    const missingDelta = options.missing === 'penalty' ? Math.abs(pv - (pv > 0 ? -0.5 : 0.5)) : Math.abs(pv);
    weightSum += w;
    topicWeight[topic]! += w;
    topicEnd[topic] = i + 1;
    table[i * 8] = w * (method === 'agreement' ? 0 : method === 'euclidean' ? missingDelta * missingDelta : missingDelta);
    for (let value = 1; value <= k; value += 1) {
      const delta = Math.abs(pv - position(value, k));
      table[i * 8 + value] = w * (method === 'agreement' ? (value === v ? 1 : 0) : method === 'euclidean' ? delta * delta : delta);
    }
  }
  // A topic without counted statements is an empty run where the previous one ended.
  for (let t = 1; t < topicCount; t += 1) topicEnd[t] = Math.max(topicEnd[t]!, topicEnd[t - 1]!);

  const values = matrix.values;
  // Topic scores are worked out for the candidates whose topics are read: a page shows a hundred.
  const topicScores = (c: number): Array<number | null> => {
    const row = c * statementCount;
    const topics: Array<number | null> = new Array(topicCount);
    let i = 0;
    for (let t = 0; t < topicCount; t += 1) {
      let topicSum = 0;
      for (const end = topicEnd[t]!; i < end; i += 1) topicSum += table[i * 8 + values[row + qStatement[i]!]!]!;
      topics[t] = topicWeight[t]! > 0 ? toScore(method, topicSum, topicWeight[t]!) : null;
    }
    return topics;
  };
  const results: RankedCandidate[] = [];
  const unranked: number[] = [];
  for (let c = 0; c < matrix.candidateCount; c += 1) {
    const row = c * statementCount;
    let answered = 0;
    let sum = 0;
    for (let i = 0; i < q; i += 1) {
      const value = values[row + qStatement[i]!]!;
      answered |= value;
      sum += table[i * 8 + value]!;
    }
    if (answered === 0) unranked.push(c);
    else results.push(new Ranked(c, toScore(method, sum, weightSum), topicScores));
  }

  return { ok: true, counted: q, results: rankWithTies(results, options.random), unranked: shuffle(unranked, options.random) };
}

/** A ranked candidate whose topic scores are worked out when read: a page shows a hundred of thousands. */
class Ranked implements RankedCandidate {
  readonly percent: number;
  rank = 0;
  readonly #topicScores: (candidate: number) => Array<number | null>;
  #topics: Array<number | null> | undefined;
  constructor(
    readonly candidate: number,
    readonly score: number,
    topicScores: (candidate: number) => Array<number | null>,
  ) {
    this.percent = roundHalfUp(score);
    this.#topicScores = topicScores;
  }
  get topics(): Array<number | null> {
    this.#topics ??= this.#topicScores(this.candidate);
    return this.#topics;
  }
}

function toScore(method: Method, sum: number, weightSum: number): number {
  const mean = sum / weightSum;
  if (method === 'agreement') return 100 * mean;
  if (method === 'euclidean') return 100 * (1 - Math.sqrt(mean));
  return 100 * (1 - mean);
}

/**
 * Sorts by unrounded score, groups runs of scores closer than 1e-9 into ties,
 * shuffles each tie with the seeded random source and gives it one rank.
 */
export function rankWithTies<T extends { score: number; rank: number }>(items: T[], random: RandomSource): T[] {
  // Bucket by exact score, then sort the distinct scores natively (no comparator):
  // races have many equal scores, and this is several times faster than sorting objects.
  const buckets = new Map<number, T[]>();
  for (const item of items) {
    const bucket = buckets.get(item.score);
    if (bucket) bucket.push(item);
    else buckets.set(item.score, [item]);
  }
  const distinct = Float64Array.from(buckets.keys()).sort();
  const ranked: T[] = [];
  let i = distinct.length - 1;
  while (i >= 0) {
    // A tie: a run of distinct scores each closer than 1e-9 to the next.
    const tie = [...buckets.get(distinct[i]!)!];
    while (i > 0 && distinct[i]! - distinct[i - 1]! < TIE_EPSILON) {
      i -= 1;
      tie.push(...buckets.get(distinct[i]!)!);
    }
    i -= 1;
    const rank = ranked.length + 1;
    for (const item of tie.length > 1 ? shuffle(tie, random) : tie) {
      item.rank = rank;
      ranked.push(item);
    }
  }
  return ranked;
}
