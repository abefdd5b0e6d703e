import { shuffle, shuffleInPlace, type RandomSource } from './fairness.js';

/**
 * The matching method of SPEC §5, over packed arrays so a race of thousands of
 * candidates scores in a fraction of a millisecond, in whole numbers of a
 * per-voter unit so that equal scores are exactly equal.
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
  /**
   * The same answers two statements at a time (`answerPairs`), which matching
   * reads: made once per race by whoever keeps the matrix; made per match when absent.
   */
  pairs?: Uint8Array;
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
  /** Writes the topics' scores into `into`, NaN for null: no array per candidate when thousands are read. */
  topicsInto(into: Float64Array): void;
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
  // Q: the statements the voter answered and weighs above 0, in questionnaire order.
  const counted: number[] = [];
  for (let s = 0; s < statementCount; s += 1) {
    if ((voter.values[s] ?? 0) > 0 && (voter.weights[s] ?? 0) > 0) counted.push(s);
  }
  const q = counted.length;
  if (q < options.minAnswers) return { ok: false, reason: 'too_few_answers', counted: q, required: options.minAnswers };

  // Each statement's weighted term for every possible candidate value (0 = missing), computed once
  // per voter and 0 outside Q, so scoring a candidate is a table lookup per statement. The terms
  // are whole numbers in units of 1/unit (see `termUnits`): sums are exact, equal scores are equal
  // sums, and a distance method's score is 100 · (1 − sum / (unit · Σw)).
  const method = options.method;
  const unit = termUnit(questionnaire.scales, counted, method);
  const table = new Int32Array(16 * pairsPerRow(statementCount));
  const topicWeight = new Float64Array(topicCount);
  let weightSum = 0;
  // The sum of a candidate with no answer in Q.
  let noAnswerSum = 0;
  for (const s of counted) {
    const v = voter.values[s]!;
    const w = voter.weights[s]!;
    const k = questionnaire.scales[s]!;
    weightSum += w;
    topicWeight[questionnaire.topics[s]!]! += w;
    for (let value = 0; value <= k; value += 1) table[s * 8 + value] = w * termUnits(method, options.missing, k, v, value, unit);
    noAnswerSum += table[s * 8]!;
  }
  const scoreOf = (sum: number, weight: number) => toScore(method, sum / (unit * weight));

  const values = matrix.values;
  // Statements two by two: the term of a pair of answers is one lookup, so a row is half as many.
  const width = pairsPerRow(statementCount);
  const pairs = matrix.pairs ?? answerPairs(matrix, statementCount);
  const pairTable = new Int32Array(width * 64);
  for (let i = 0; i < width; i += 1) {
    for (let first = 0; first < 8; first += 1) {
      const firstTerm = table[i * 16 + first]!;
      for (let second = 0; second < 8; second += 1) pairTable[i * 64 + first * 8 + second] = firstTerm + table[i * 16 + 8 + second]!;
    }
  }
  // Topic scores are worked out for the candidates whose topics are read: a page shows a few dozen.
  // Q grouped by topic (questionnaire order within each): a topic's sum is a run of it.
  const grouped = Uint32Array.from(counted).sort((x, y) => questionnaire.topics[x]! - questionnaire.topics[y]! || x - y);
  const topicEnd = new Uint32Array(topicCount);
  for (let i = 0; i < grouped.length; i += 1) topicEnd[questionnaire.topics[grouped[i]!]!] = i + 1;
  for (let t = 1; t < topicCount; t += 1) topicEnd[t] = Math.max(topicEnd[t]!, topicEnd[t - 1]!);
  const topicScores: TopicScores = {
    count: topicCount,
    write: (c, into) => {
      const row = c * statementCount;
      let i = 0;
      for (let t = 0; t < topicCount; t += 1) {
        let sum = 0;
        for (const end = topicEnd[t]!; i < end; i += 1) sum += table[grouped[i]! * 8 + values[row + grouped[i]!]!]!;
        into[t] = topicWeight[t]! > 0 ? scoreOf(sum, topicWeight[t]!) : Number.NaN;
      }
    },
  };
  const answersQ = (row: number): boolean => counted.some((s) => values[row + s]! > 0);
  const n = matrix.candidateCount;
  const rows = new Uint32Array(n);
  // Ranked on the exact sums: the smaller the better, but for agreement.
  const keys = new Int32Array(n);
  let m = 0;
  const unranked: number[] = [];
  const sums = rowSums(pairTable, pairs, n);
  for (let c = 0; c < n; c += 1) {
    const sum = sums[c]!;
    // Only a sum equal to that of no answer at all can be one: look closer then.
    if (sum === noAnswerSum && !answersQ(c * statementCount)) {
      unranked.push(c);
      continue;
    }
    rows[m] = c;
    keys[m] = method === 'agreement' ? sum : -sum;
    m += 1;
  }
  const { order, ranks } = rankSums(keys.subarray(0, m), options.random);
  const results: RankedCandidate[] = new Array(m);
  for (let position = 0; position < m; position += 1) {
    const i = order[position]!;
    results[position] = new Ranked(rows[i]!, scoreOf(Math.abs(keys[i]!), weightSum), ranks[position]!, topicScores);
  }
  return { ok: true, counted: q, results, unranked: shuffle(unranked, options.random) };
}

/**
 * The unit of a voter's terms: the least common multiple of the counted
 * statements' denominators. On a k-point scale a position is a whole number
 * of 1/(2(k − 1)) (the middle of an even scale, the neutral placement, is a
 * half step), so a distance is a whole number of 1/(2(k − 1)) and its square
 * of 1/(2(k − 1))²; agreement counts whole weights. At most 120 (cityblock)
 * and 14,400 (euclidean).
 */
function termUnit(scales: Uint8Array, counted: readonly number[], method: Method): number {
  let unit = 1;
  if (method === 'agreement') return unit;
  for (const s of counted) {
    const step = 2 * (scales[s]! - 1);
    const denominator = method === 'euclidean' ? step * step : step;
    unit = (unit * denominator) / gcd(unit, denominator);
  }
  return unit;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * A statement's term (before its weight) for candidate value `value` (0 =
 * missing), in units of 1/unit: SPEC §5.4 and §5.5 over doubled positions
 * P(v) = 2(v − 1) − (k − 1) = p(v) · 2(k − 1).
 */
function termUnits(method: Method, missing: MissingPolicy, k: number, v: number, value: number, unit: number): number {
  if (method === 'agreement') return value === v ? 1 : 0;
  const step = 2 * (k - 1);
  const voterAt = 2 * (v - 1) - (k - 1);
  // A missing answer: at the far end from the voter (penalty) or in the middle (neutral).
  const candidateAt = value > 0 ? 2 * (value - 1) - (k - 1) : missing === 'neutral' ? 0 : voterAt > 0 ? -(k - 1) : k - 1;
  const delta = Math.abs(voterAt - candidateAt);
  return method === 'euclidean' ? (delta * delta * unit) / (step * step) : (delta * unit) / step;
}

/** Each candidate's sum of the voter's terms: a lookup per pair of statements. */
function rowSums(pairTable: Int32Array, pairs: Uint8Array, candidateCount: number): Int32Array {
  const sums = new Int32Array(candidateCount);
  const tableLength = pairTable.length;
  for (let c = 0, at = 0; c < candidateCount; c += 1) {
    // Two sums, of even and odd pairs: each addition waits on half as many before it.
    let even = 0;
    let odd = 0;
    for (let base = 0; base < tableLength; base += 128, at += 2) {
      even += pairTable[base + pairs[at]!]!;
      odd += pairTable[base + 64 + pairs[at + 1]!]!;
    }
    sums[c] = even + odd;
  }
  return sums;
}

/** Pairs in a row: half the statements, rounded up to an even number (the last ones 0). */
function pairsPerRow(statementCount: number): number {
  return 2 * Math.ceil(statementCount / 4);
}

/**
 * The answers two statements at a time: row c, pair i at `c * width + i` is
 * 8 · value(2i) + value(2i + 1), 0 past the last statement.
 */
export function answerPairs(matrix: CandidateMatrix, statementCount: number): Uint8Array {
  const width = pairsPerRow(statementCount);
  const values = matrix.values;
  const pairs = new Uint8Array(matrix.candidateCount * width);
  for (let c = 0; c < matrix.candidateCount; c += 1) {
    for (let i = 0; i < width; i += 1) {
      const s = c * statementCount + 2 * i;
      const first = 2 * i < statementCount ? values[s]! : 0;
      pairs[c * width + i] = first * 8 + (2 * i + 1 < statementCount ? values[s + 1]! : 0);
    }
  }
  return pairs;
}

/** A ranked candidate whose topic scores are worked out when read: a page shows a few dozen of thousands. */
class Ranked implements RankedCandidate {
  readonly percent: number;
  readonly #topicScores: TopicScores;
  #topics: Array<number | null> | undefined;
  constructor(
    readonly candidate: number,
    readonly score: number,
    readonly rank: number,
    topicScores: TopicScores,
  ) {
    this.percent = roundHalfUp(score);
    this.#topicScores = topicScores;
  }
  get topics(): Array<number | null> {
    if (!this.#topics) {
      const scores = new Float64Array(this.#topicScores.count);
      this.#topicScores.write(this.candidate, scores);
      const topics: Array<number | null> = new Array(scores.length);
      for (let t = 0; t < scores.length; t += 1) topics[t] = Number.isNaN(scores[t]!) ? null : scores[t]!;
      this.#topics = topics;
    }
    return this.#topics;
  }
  topicsInto(into: Float64Array): void {
    this.#topicScores.write(this.candidate, into);
  }
}

/** How many topics, and how to write candidate row c's scores into `into` (NaN where the voter counted none of a topic). */
interface TopicScores {
  readonly count: number;
  write(c: number, into: Float64Array): void;
}

/** A score from the mean term (Σ w Δ / Σ w, its square-rooted square, or the share of agreement). */
function toScore(method: Method, mean: number): number {
  if (method === 'agreement') return 100 * mean;
  if (method === 'euclidean') return 100 * (1 - Math.sqrt(mean));
  return 100 * (1 - mean);
}

/**
 * Sorts by unrounded score, groups runs of scores closer than 1e-9 into ties,
 * shuffles each tie with the seeded random source and gives it one rank.
 */
export function rankWithTies<T extends { score: number; rank: number }>(items: T[], random: RandomSource): T[] {
  const { order, ranks } = rankScores(Float64Array.from(items, (item) => item.score), random);
  const ranked: T[] = new Array(items.length);
  for (let position = 0; position < items.length; position += 1) {
    const item = items[order[position]!]!;
    item.rank = ranks[position]!;
    ranked[position] = item;
  }
  return ranked;
}

/**
 * The ranking of `scores` as `rankWithTies` gives it, over numbers only: `order`
 * holds indices into `scores`, best first, and `ranks` the rank at each position.
 *
 * Races have many equal scores (a few dozen distinct ones among 2,000
 * candidates in the bench): the distinct ones are found with a map and sorted natively, and a
 * counting sort lays the items out, equal scores in index order.
 */
export function rankScores(scores: Float64Array | Int32Array, random: RandomSource): { order: Uint32Array; ranks: Uint32Array } {
  const n = scores.length;
  const slotOf = new Map<number, number>();
  const slot = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) {
    let found = slotOf.get(scores[i]!);
    if (found === undefined) {
      found = slotOf.size;
      slotOf.set(scores[i]!, found);
    }
    slot[i] = found;
  }
  const d = slotOf.size;
  const distinct = Float64Array.from(slotOf.keys()).sort();
  // Each distinct score's place, best first, and where its items start in that order.
  const count = new Uint32Array(d);
  for (let i = 0; i < n; i += 1) count[slot[i]!]! += 1;
  const first = new Uint32Array(d);
  for (let j = d - 1, at = 0; j >= 0; j -= 1) {
    const id = slotOf.get(distinct[j]!)!;
    first[id] = at;
    at += count[id]!;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) order[first[slot[i]!]!++] = i;

  const ranks = new Uint32Array(n);
  let from = 0;
  let j = d - 1;
  while (j >= 0) {
    // A tie: a run of distinct scores each closer than 1e-9 to the next.
    let to = from + count[slotOf.get(distinct[j]!)!]!;
    while (j > 0 && distinct[j]! - distinct[j - 1]! < TIE_EPSILON) {
      j -= 1;
      to += count[slotOf.get(distinct[j]!)!]!;
    }
    j -= 1;
    if (to - from > 1) shuffleInPlace(order.subarray(from, to), random);
    ranks.fill(from + 1, from, to);
    from = to;
  }
  return { order, ranks };
}

/**
 * `rankScores` for the exact sums of `matchCandidates`. Sums that differ give
 * scores far more than 1e-9 apart (see `termUnit`), so ties are equal sums.
 * On the usual scales the sums lie close together: a counting sort with one
 * bucket per value orders them, the best (highest) first.
 */
function rankSums(sums: Int32Array, random: RandomSource): { order: Uint32Array; ranks: Uint32Array } {
  const n = sums.length;
  let high = n > 0 ? sums[0]! : 0;
  let low = high;
  for (let i = 1; i < n; i += 1) {
    const sum = sums[i]!;
    if (sum > high) high = sum;
    else if (sum < low) low = sum;
  }
  const span = high - low;
  if (span > 4 * n + 1024) return rankScores(sums, random);
  // Where each value's items start, best value first; equal values stay in index order.
  const start = new Uint32Array(span + 2);
  for (let i = 0; i < n; i += 1) start[high - sums[i]! + 1]! += 1;
  for (let b = 1; b <= span + 1; b += 1) start[b]! += start[b - 1]!;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) order[start[high - sums[i]!]!++] = i;
  const ranks = new Uint32Array(n);
  for (let from = 0; from < n; ) {
    const sum = sums[order[from]!]!;
    let to = from + 1;
    while (to < n && sums[order[to]!] === sum) to += 1;
    if (to - from > 1) shuffleInPlace(order.subarray(from, to), random);
    ranks.fill(from + 1, from, to);
    from = to;
  }
  return { order, ranks };
}
