import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/domain/fairness.js';
import {
  matchCandidates,
  position,
  type CandidateMatrix,
  type MatchOptions,
  type MatchOutcome,
  type MatchQuestionnaire,
  type RankedCandidate,
  type VoterAnswers,
} from '../../src/domain/matching.js';

/*
 * The worked example of the public /methodology page (views/pages/methodology.hbs,
 * messages `methodology.example.*`), recomputed with the real implementation.
 * Every number the page shows is asserted here; the arithmetic beside each
 * assertion is the one the page walks through.
 *
 * Four statements on a 5-point scale, positions 1 → −0.5, 2 → −0.25, 3 → 0,
 * 4 → 0.25, 5 → 0.5. Statements 1 and 2 are topic X, 3 and 4 topic Y.
 *
 *   statement (topic) | you     | A | B | C
 *   1 (X)             | 5 (×2)  | 4 | 5 | 2
 *   2 (X)             | 2       | 2 | 4 | —
 *   3 (Y)             | 3       | 4 | 3 | 3
 *   4 (Y)             | —       | 1 | 5 | 3
 */

const questionnaire: MatchQuestionnaire = {
  scales: new Uint8Array([5, 5, 5, 5]),
  topics: new Uint16Array([0, 0, 1, 1]), // 0 = topic X, 1 = topic Y
  topicCount: 2,
};

const A = 0;
const B = 1;
const C = 2;
const X = 0;
const Y = 1;

const candidates: CandidateMatrix = {
  candidateCount: 3,
  values: new Uint8Array([
    4, 2, 4, 1, // A
    5, 4, 3, 5, // B
    2, 0, 3, 3, // C: no answer to statement 2
  ]),
};

/** You: 5 (matters more), 2, 3, statement 4 skipped (its weight is irrelevant). */
const voter: VoterAnswers = {
  values: new Uint8Array([5, 2, 3, 0]),
  weights: new Uint8Array([2, 1, 1, 1]),
};

/** The example is shorter than a real election's minimum (5 by default), so it lowers the minimum to 3. */
function run(overrides: Partial<MatchOptions> = {}, answers: VoterAnswers = voter, seed = 2028): MatchOutcome {
  return matchCandidates(questionnaire, candidates, answers, {
    method: 'cityblock',
    missing: 'penalty',
    minAnswers: 3,
    random: seededRandom(seed),
    ...overrides,
  });
}

function resultsOf(outcome: MatchOutcome): RankedCandidate[] {
  if (!outcome.ok) throw new Error(`no results: ${outcome.reason}`);
  return outcome.results;
}

function resultOf(outcome: MatchOutcome, candidate: number): RankedCandidate {
  const found = resultsOf(outcome).find((r) => r.candidate === candidate);
  if (!found) throw new Error(`candidate ${candidate} is not ranked`);
  return found;
}

describe('methodology page: answers and positions', () => {
  it('maps a 5-point scale to −0.5, −0.25, 0, 0.25, 0.5', () => {
    // p(v) = (v − 1)/(5 − 1) − 1/2
    expect(position(1, 5)).toBeCloseTo(-0.5, 12); // 0/4 − 0.5
    expect(position(2, 5)).toBeCloseTo(-0.25, 12); // 1/4 − 0.5
    expect(position(3, 5)).toBeCloseTo(0, 12); // 2/4 − 0.5
    expect(position(4, 5)).toBeCloseTo(0.25, 12); // 3/4 − 0.5
    expect(position(5, 5)).toBeCloseTo(0.5, 12); // 4/4 − 0.5
  });
});

describe('methodology page: worked example (city-block, penalty)', () => {
  const outcome = run();

  it('counts statements 1, 2 and 3 only (4 was skipped), total weight 2 + 1 + 1 = 4', () => {
    expect(outcome.ok).toBe(true);
    if (outcome.ok) {
      expect(outcome.counted).toBe(3);
      expect(outcome.unranked).toEqual([]);
    }
  });

  it('scores B: 87.5 → 88%, 1st', () => {
    // Δ1 = |0.5 − 0.5| = 0, Δ2 = |−0.25 − 0.25| = 0.5, Δ3 = |0 − 0| = 0
    // Σ wΔ = 2·0 + 1·0.5 + 1·0 = 0.5; score = 100 · (1 − 0.5/4) = 100 · 0.875 = 87.5
    const b = resultOf(outcome, B);
    expect(b.score).toBeCloseTo(87.5, 9);
    expect(b.percent).toBe(88); // 87.5 rounded half up
    expect(b.rank).toBe(1);
  });

  it('scores A: 81.25 → 81%, 2nd', () => {
    // Δ1 = |0.5 − 0.25| = 0.25, Δ2 = |−0.25 − (−0.25)| = 0, Δ3 = |0 − 0.25| = 0.25
    // Σ wΔ = 2·0.25 + 1·0 + 1·0.25 = 0.75; score = 100 · (1 − 0.75/4) = 100 · 0.8125 = 81.25
    const a = resultOf(outcome, A);
    expect(a.score).toBeCloseTo(81.25, 9);
    expect(a.percent).toBe(81);
    expect(a.rank).toBe(2);
  });

  it('scores C, who did not answer statement 2: 43.75 → 44%, 3rd', () => {
    // Δ1 = |0.5 − (−0.25)| = 0.75
    // statement 2 missing: your position −0.25 is not above 0, so C is placed at +0.5: Δ2 = |−0.25 − 0.5| = 0.75
    // Δ3 = |0 − 0| = 0
    // Σ wΔ = 2·0.75 + 1·0.75 + 1·0 = 2.25; score = 100 · (1 − 2.25/4) = 100 · 0.4375 = 43.75
    const c = resultOf(outcome, C);
    expect(c.score).toBeCloseTo(43.75, 9);
    expect(c.percent).toBe(44); // 43.75 rounded half up
    expect(c.rank).toBe(3);
  });

  it('lists B, A, C in that order', () => {
    expect(resultsOf(outcome).map((r) => r.candidate)).toEqual([B, A, C]);
  });

  it('gives C 25% in topic X', () => {
    // topic X = statements 1 and 2, weights 2 + 1 = 3
    // Σ wΔ = 2·0.75 + 1·0.75 = 2.25; score = 100 · (1 − 2.25/3) = 100 · 0.25 = 25
    const c = resultOf(outcome, C);
    expect(c.topics[X]).not.toBeNull();
    expect(c.topics[X]!).toBeCloseTo(25, 9);
  });

  it('computes topic Y from statement 3 alone (statement 4 was skipped)', () => {
    // Q ∩ Y = {3}, weight 1: A Δ3 = 0.25 → 75; B and C Δ3 = 0 → 100
    expect(resultOf(outcome, A).topics[Y]!).toBeCloseTo(75, 9);
    expect(resultOf(outcome, B).topics[Y]!).toBeCloseTo(100, 9);
    expect(resultOf(outcome, C).topics[Y]!).toBeCloseTo(100, 9);
  });

  it('shows “—” for topic Y had you also skipped statement 3', () => {
    // Q = {1, 2}: nothing of topic Y counts, so there is no topic Y score (null, shown as “—”)
    const fewer = run({ minAnswers: 2 }, { values: new Uint8Array([5, 2, 0, 0]), weights: voter.weights });
    for (const r of resultsOf(fewer)) {
      expect(r.topics[Y]).toBeNull();
      expect(r.topics[X]).not.toBeNull();
    }
  });

  it('shows no results under the default minimum of 5 counted statements', () => {
    // 3 counted < 5 required
    expect(run({ minAnswers: 5 })).toEqual({ ok: false, reason: 'too_few_answers', counted: 3, required: 5 });
  });
});

describe('methodology page: worked example under the other rules', () => {
  it('neutral rule: C 56.25 → 56%', () => {
    // statement 2 missing: C is placed at 0, Δ2 = |−0.25 − 0| = 0.25
    // Σ wΔ = 2·0.75 + 1·0.25 + 1·0 = 1.75; score = 100 · (1 − 1.75/4) = 100 · 0.5625 = 56.25
    const c = resultOf(run({ missing: 'neutral' }), C);
    expect(c.score).toBeCloseTo(56.25, 9);
    expect(c.percent).toBe(56);
    expect(c.rank).toBe(3);
  });

  it('euclidean: A 78%, B 75%, C 35%, A ahead of B', () => {
    const outcome = run({ method: 'euclidean' });
    // A: Σ wΔ² = 2·0.25² + 1·0² + 1·0.25² = 0.125 + 0.0625 = 0.1875; /4 = 0.046875
    //    score = 100 · (1 − √0.046875) = 100 · (1 − 0.21651) ≈ 78.35 → 78
    const a = resultOf(outcome, A);
    expect(a.score).toBeCloseTo(78.35, 2);
    expect(a.percent).toBe(78);
    expect(a.rank).toBe(1);
    // B: Σ wΔ² = 1·0.5² = 0.25; /4 = 0.0625; score = 100 · (1 − √0.0625) = 100 · (1 − 0.25) = 75
    const b = resultOf(outcome, B);
    expect(b.score).toBeCloseTo(75, 9);
    expect(b.percent).toBe(75);
    expect(b.rank).toBe(2);
    // C: Σ wΔ² = 2·0.75² + 1·0.75² = 1.125 + 0.5625 = 1.6875; /4 = 0.421875
    //    score = 100 · (1 − √0.421875) = 100 · (1 − 0.64952) ≈ 35.05 → 35
    const c = resultOf(outcome, C);
    expect(c.score).toBeCloseTo(35.05, 2);
    expect(c.percent).toBe(35);
    expect(c.rank).toBe(3);
  });

  it('agreement: B 75% 1st; A and C tie at 25%, both 2nd, in random order', () => {
    const outcome = run({ method: 'agreement' });
    // B: same answer on statement 1 (weight 2) and 3 (weight 1): 100 · 3/4 = 75
    const b = resultOf(outcome, B);
    expect(b.score).toBeCloseTo(75, 9);
    expect(b.percent).toBe(75);
    expect(b.rank).toBe(1);
    // A: same answer on statement 2 only (weight 1): 100 · 1/4 = 25
    // C: same answer on statement 3 only (weight 1; the missing statement 2 never agrees): 100 · 1/4 = 25
    const a = resultOf(outcome, A);
    const c = resultOf(outcome, C);
    expect(a.score).toBeCloseTo(25, 9);
    expect(c.score).toBeCloseTo(25, 9);
    expect(a.percent).toBe(25);
    expect(c.percent).toBe(25);
    expect(a.rank).toBe(2); // a tie shares the place: 1, 2, 2
    expect(c.rank).toBe(2);
    expect(resultsOf(outcome).map((r) => r.rank)).toEqual([1, 2, 2]);

    // The order inside the tie comes from the seed: both orders occur, and a seed always gives the same one.
    const orders = new Set<string>();
    for (let seed = 1; seed <= 40; seed += 1) {
      const order = resultsOf(run({ method: 'agreement' }, voter, seed)).map((r) => r.candidate);
      expect(order[0]).toBe(B);
      orders.add(order.join(','));
    }
    expect(orders).toEqual(new Set([`${B},${A},${C}`, `${B},${C},${A}`]));
    const again = (seed: number) => resultsOf(run({ method: 'agreement' }, voter, seed)).map((r) => r.candidate);
    expect(again(7)).toEqual(again(7));
  });
});

describe('methodology page: Wahl-O-Mat points rule on a 3-point scale', () => {
  it('city-block equals points earned over points possible (same 2, neutral vs side 1, opposite 0, doubled twice)', () => {
    // 3-point scale: positions −0.5, 0, 0.5. You: agree (×2), neutral, disagree.
    // The candidate: agree (same: 2 points, ×2 → 4), agree (neutral vs side: 1), agree (opposite: 0).
    // Points 4 + 1 + 0 = 5 of a possible 2·2 + 2 + 2 = 8 → 62.5
    // City-block: Σ wΔ = 2·0 + 1·0.5 + 1·1 = 1.5; 100 · (1 − 1.5/4) = 62.5
    const three: MatchQuestionnaire = { scales: new Uint8Array([3, 3, 3]), topics: new Uint16Array([0, 0, 0]), topicCount: 1 };
    const outcome = matchCandidates(
      three,
      { candidateCount: 1, values: new Uint8Array([3, 3, 3]) },
      { values: new Uint8Array([3, 2, 1]), weights: new Uint8Array([2, 1, 1]) },
      { method: 'cityblock', missing: 'penalty', minAnswers: 1, random: seededRandom(1) },
    );
    expect(resultsOf(outcome)[0]!.score).toBeCloseTo((100 * 5) / 8, 9);
  });
});
