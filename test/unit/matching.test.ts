import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/domain/fairness.js';
import {
  matchCandidates,
  METHODS,
  MISSING_POLICIES,
  roundHalfUp,
  type MatchOptions,
  type MatchOutcome,
  type Method,
  type MissingPolicy,
} from '../../src/domain/matching.js';

/* Builders: answers written as in a result URL, one character per statement, '-' for none. */
const questionnaire = (scales: number[], topics: number[]) => ({
  scales: Uint8Array.from(scales),
  topics: Uint16Array.from(topics),
  topicCount: Math.max(...topics) + 1,
});
const row = (answers: string) => Array.from(answers, (c) => (c === '-' ? 0 : Number(c)));
const matrix = (...rows: string[]) => ({ candidateCount: rows.length, values: Uint8Array.from(rows.flatMap(row)) });
const voter = (answers: string, weights?: string) => ({
  values: Uint8Array.from(row(answers)),
  weights: Uint8Array.from(weights ? Array.from(weights, Number) : Array.from(answers, () => 1)),
});
const options = (method: Method = 'cityblock', missing: MissingPolicy = 'penalty', extra: Partial<MatchOptions> = {}) => ({
  method,
  missing,
  minAnswers: 1,
  random: seededRandom(1),
  ...extra,
});
function ok(outcome: MatchOutcome) {
  if (!outcome.ok) throw new Error(`expected results, got ${JSON.stringify(outcome)}`);
  return outcome;
}
const scoreOf = (outcome: MatchOutcome, candidate: number) => ok(outcome).results.find((r) => r.candidate === candidate)!;

/*
 * The worked case. Five-point scale, p(v) = (v − 1)/4 − 1/2: 1 → −.5, 2 → −.25, 3 → 0, 4 → .25, 5 → .5.
 * Statements s0, s1 in topic 0; s2, s3 in topic 1.
 * Voter: s0 = 5 (matters more, w 2), s1 = 4, s2 skipped, s3 = 2. Q = {s0, s1, s3}, Σw = 4.
 */
const q = questionnaire([5, 5, 5, 5], [0, 0, 1, 1]);
const you = voter('54-2', '2111');
const candidates = matrix(
  '5412', // 0: X, same answers where you answered
  '135-', // 1: Y, opposite on s0, neutral on s1, missing s3
  '4422', // 2: V, one step off on s0
  '----', // 3: answered nothing
  '--3-', // 4: answered only s2, which you skipped
);

describe('matching (SPEC §5), worked by hand', () => {
  it('cityblock with the penalty policy', () => {
    const outcome = ok(matchCandidates(q, candidates, you, options('cityblock', 'penalty')));
    expect(outcome.counted).toBe(3);
    // X: every Δ is 0 → 100.
    expect(scoreOf(outcome, 0).score).toBeCloseTo(100, 12);
    // Y: s0 Δ = |.5 − (−.5)| = 1, × w 2 = 2; s1 Δ = |.25 − 0| = .25;
    //    s3 missing, your p = −.25 ≤ 0 so Y is put at +.5: Δ = .75.
    //    Σ wΔ = 3 → 100 · (1 − 3/4) = 25. Topic 0: (2 + .25)/3 = .75 → 25; topic 1: .75/1 → 25.
    expect(scoreOf(outcome, 1).score).toBeCloseTo(25, 12);
    expect(scoreOf(outcome, 1).topics[0]).toBeCloseTo(25, 12);
    expect(scoreOf(outcome, 1).topics[1]).toBeCloseTo(25, 12);
    // V: s0 Δ = |.5 − .25| = .25, × 2 = .5; s1, s3 Δ = 0 → 100 · (1 − .5/4) = 87.5, shown as 88 (half up).
    expect(scoreOf(outcome, 2).score).toBeCloseTo(87.5, 12);
    expect(scoreOf(outcome, 2).percent).toBe(88);
    // Topic 1 for V: only s3 counts, Δ 0 → 100.
    expect(scoreOf(outcome, 2).topics[1]).toBeCloseTo(100, 12);
    expect(outcome.results.map((r) => [r.candidate, r.rank])).toEqual([
      [0, 1],
      [2, 2],
      [1, 3],
    ]);
    // Nobody dropped: the two without an answer in Q are listed as unranked.
    expect([...outcome.unranked].sort()).toEqual([3, 4]);
  });

  it('cityblock with the neutral policy', () => {
    const outcome = matchCandidates(q, candidates, you, options('cityblock', 'neutral'));
    // Y: s3 missing is put at 0: Δ = |−.25 − 0| = .25. Σ wΔ = 2 + .25 + .25 = 2.5 → 100 · (1 − 2.5/4) = 37.5.
    expect(scoreOf(outcome, 1).score).toBeCloseTo(37.5, 12);
    // Topic 1: .25/1 → 75.
    expect(scoreOf(outcome, 1).topics[1]).toBeCloseTo(75, 12);
  });

  it('euclidean with both policies', () => {
    // Y, penalty: Σ wΔ² = 2·1² + .25² + .75² = 2 + .0625 + .5625 = 2.625; /4 = .65625; √ = .810093; → 18.9907.
    expect(scoreOf(matchCandidates(q, candidates, you, options('euclidean', 'penalty')), 1).score).toBeCloseTo(
      100 * (1 - Math.sqrt(2.625 / 4)),
      12,
    );
    expect(scoreOf(matchCandidates(q, candidates, you, options('euclidean', 'penalty')), 1).percent).toBe(19);
    // Y, neutral: 2 + .0625 + .0625 = 2.125; /4 = .53125; √ = .728869 → 27.1131.
    expect(scoreOf(matchCandidates(q, candidates, you, options('euclidean', 'neutral')), 1).score).toBeCloseTo(
      100 * (1 - Math.sqrt(2.125 / 4)),
      12,
    );
    // V: 2·.25² = .125; /4 = .03125; √ = .176777 → 82.3223.
    expect(scoreOf(matchCandidates(q, candidates, you, options('euclidean')), 2).score).toBeCloseTo(
      100 * (1 - Math.sqrt(0.125 / 4)),
      12,
    );
  });

  it('agreement counts identical answers only, under both policies', () => {
    for (const missing of MISSING_POLICIES) {
      const outcome = matchCandidates(q, candidates, you, options('agreement', missing));
      expect(scoreOf(outcome, 0).score).toBe(100);
      // Y: 1 ≠ 5, 3 ≠ 4, s3 missing never equals → 0.
      expect(scoreOf(outcome, 1).score).toBe(0);
      // V: s0 4 ≠ 5 (weight 2 lost), s1 and s3 equal: 100 · 2/4 = 50.
      expect(scoreOf(outcome, 2).score).toBe(50);
    }
  });

  it('ignores statements of weight 0 and counts "matters more" twice', () => {
    // Same answers, s0 now ignored: Q = {s1, s3}, Σw = 2.
    // Y: .25 + .75 = 1 → 100 · (1 − 1/2) = 50.
    const outcome = matchCandidates(q, candidates, voter('54-2', '0111'), options());
    expect(ok(outcome).counted).toBe(2);
    expect(scoreOf(outcome, 1).score).toBeCloseTo(50, 12);
    // Topic 0 has only s1 left: Δ .25 → 75.
    expect(scoreOf(outcome, 1).topics[0]).toBeCloseTo(75, 12);
  });

  it('gives null topic scores where the voter counted nothing in a topic', () => {
    const outcome = matchCandidates(q, candidates, voter('54--'), options());
    expect(scoreOf(outcome, 0).topics).toEqual([100, null]);
  });

  it('puts a missing answer at +1/2 when the voter is neutral (penalty)', () => {
    // Voter neutral (3 → p 0) on s0 only; candidate missing s0 but answered s1 (which the voter skipped? no: answered).
    // Voter: s0 = 3, s1 = 5. Candidate: s0 missing, s1 = 5. Penalty: s0 at +.5, Δ = .5. Σ = .5 / 2 → 75.
    const outcome = matchCandidates(questionnaire([5, 5], [0, 0]), matrix('-5'), voter('35'), options());
    expect(scoreOf(outcome, 0).score).toBeCloseTo(75, 12);
  });

  it('handles statements with different scales', () => {
    // s0 has 3 points (p: −.5, 0, .5), s1 has 7 (p: (v − 1)/6 − .5).
    // Voter: s0 = 3 (.5), s1 = 7 (.5). Candidate: s0 = 2 (0) → Δ .5; s1 = 4 (0) → Δ .5. → 100 · (1 − 1/2) = 50.
    const outcome = matchCandidates(questionnaire([3, 7], [0, 0]), matrix('24'), voter('37'), options());
    expect(scoreOf(outcome, 0).score).toBeCloseTo(50, 12);
  });

  it('gives the Wahl-O-Mat points rule on a three-point scale', () => {
    // Same answer 2 points, neutral vs. a side 1, opposite 0; doubled counts twice.
    // Voter: 3, 2, 1, 3 (s0 doubled). Candidate: 3, 3, 3, 1.
    // Points: s0 same 2 × 2 = 4; s1 neutral vs agree 1; s2 opposite 0; s3 opposite 0 → 5 of max 2 · 5 = 10 → 50%.
    const outcome = matchCandidates(questionnaire([3, 3, 3, 3], [0, 0, 0, 0]), matrix('3331'), voter('3213', '2111'), options());
    expect(scoreOf(outcome, 0).score).toBeCloseTo(50, 12);
  });

  it('refuses to rank with fewer counted answers than the minimum, saying how many', () => {
    expect(matchCandidates(q, candidates, you, options('cityblock', 'penalty', { minAnswers: 4 }))).toEqual({
      ok: false,
      reason: 'too_few_answers',
      counted: 3,
      required: 4,
    });
    // Weight 0 does not count towards the minimum.
    expect(matchCandidates(q, candidates, voter('54-2', '0110'), options('cityblock', 'penalty', { minAnswers: 2 }))).toMatchObject({
      ok: false,
      counted: 1,
    });
  });

  it('shows ties as ties: the same rank, the next rank skipping, order drawn from the seed', () => {
    const tied = matrix('5412', '5412', '5412', '4422');
    const order = (seed: number) =>
      ok(matchCandidates(q, tied, you, options('cityblock', 'penalty', { random: seededRandom(seed) }))).results;
    const first = order(1);
    expect(first.map((r) => r.rank)).toEqual([1, 1, 1, 4]);
    expect(first.at(-1)!.candidate).toBe(3);
    const orders = new Set(Array.from({ length: 20 }, (_, seed) => order(seed).map((r) => r.candidate).join()));
    // Three tied candidates can come in 6 orders; 20 seeds show more than one of them.
    expect(orders.size).toBeGreaterThan(1);
    expect(order(7)).toEqual(order(7));
  });

  it('rounds half up for display', () => {
    expect(roundHalfUp(87.5)).toBe(88);
    expect(roundHalfUp(62.49999999999999)).toBe(63);
    expect(roundHalfUp(62.4)).toBe(62);
    expect(roundHalfUp(0)).toBe(0);
    expect(roundHalfUp(100)).toBe(100);
  });
});

describe('matching properties', () => {
  /** A questionnaire, a voter with enough answers, and candidates, all on matching scales. */
  const scenario = fc
    .array(fc.integer({ min: 2, max: 7 }), { minLength: 1, maxLength: 25 })
    .chain((scales) =>
      fc.record({
        scales: fc.constant(scales),
        topics: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: scales.length, maxLength: scales.length }),
        voter: fc.tuple(...scales.map((k) => fc.integer({ min: 0, max: k }))),
        weights: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: scales.length, maxLength: scales.length }),
        candidates: fc.array(fc.tuple(...scales.map((k) => fc.integer({ min: 0, max: k }))), { minLength: 1, maxLength: 12 }),
        method: fc.constantFrom(...METHODS),
        missing: fc.constantFrom(...MISSING_POLICIES),
        seed: fc.integer({ min: 0, max: 2 ** 31 }),
      }),
    );

  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  const run = (s: Scenario, rows: number[][]) =>
    matchCandidates(
      { scales: Uint8Array.from(s.scales), topics: Uint16Array.from(s.topics), topicCount: 4 },
      { candidateCount: rows.length, values: Uint8Array.from(rows.flat()) },
      { values: Uint8Array.from(s.voter), weights: Uint8Array.from(s.weights) },
      { method: s.method, missing: s.missing, minAnswers: 1, random: seededRandom(s.seed) },
    );

  it('keeps every score and topic score within [0, 100] and lists every candidate once', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const outcome = run(s, s.candidates);
        if (!outcome.ok) return;
        for (const r of outcome.results) {
          expect(r.score).toBeGreaterThanOrEqual(-1e-9);
          expect(r.score).toBeLessThanOrEqual(100 + 1e-9);
          for (const t of r.topics) if (t !== null) expect(t).toBeGreaterThanOrEqual(-1e-9);
          for (const t of r.topics) if (t !== null) expect(t).toBeLessThanOrEqual(100 + 1e-9);
        }
        const listed = [...outcome.results.map((r) => r.candidate), ...outcome.unranked].sort((a, b) => a - b);
        expect(listed).toEqual(s.candidates.map((_, i) => i));
      }),
      { numRuns: 500 },
    );
  });

  it('scores a candidate who answered exactly like the voter 100, under every method and policy', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const outcome = run(s, [s.voter]);
        if (!outcome.ok || outcome.results.length === 0) return;
        expect(outcome.results[0]!.score).toBeCloseTo(100, 9);
        expect(outcome.results[0]!.percent).toBe(100);
      }),
      { numRuns: 500 },
    );
  });

  /** SPEC §5 written out as it reads, in floating point: the reference the packed matching must agree with. */
  const reference = (s: Scenario, rows: number[][]) => {
    const p = (v: number, k: number) => (v - 1) / (k - 1) - 0.5;
    const counted = s.scales.flatMap((_, q) => (s.voter[q]! > 0 && s.weights[q]! > 0 ? [q] : []));
    const score = (row: number[], statements: number[]) => {
      if (statements.length === 0) return null;
      let sum = 0;
      let weights = 0;
      for (const q of statements) {
        const k = s.scales[q]!;
        const pv = p(s.voter[q]!, k);
        const pc = row[q]! > 0 ? p(row[q]!, k) : s.missing === 'neutral' ? 0 : pv > 0 ? -0.5 : 0.5;
        const delta = Math.abs(pv - pc);
        sum += s.weights[q]! * (s.method === 'agreement' ? (row[q] === s.voter[q] ? 1 : 0) : s.method === 'euclidean' ? delta * delta : delta);
        weights += s.weights[q]!;
      }
      const mean = sum / weights;
      return s.method === 'agreement' ? 100 * mean : s.method === 'euclidean' ? 100 * (1 - Math.sqrt(mean)) : 100 * (1 - mean);
    };
    const ranked = rows.flatMap((row, c) =>
      counted.some((q) => row[q]! > 0)
        ? [{ c, score: score(row, counted)!, topics: [0, 1, 2, 3].map((t) => score(row, counted.filter((q) => s.topics[q] === t))) }]
        : [],
    );
    // Rank: one more than the number of candidates scoring more than 1e-9 higher (ties share it).
    return ranked.map((r) => ({ ...r, rank: 1 + ranked.filter((o) => o.score - r.score >= 1e-9).length }));
  };

  it('agrees with SPEC §5 written out directly: scores, topic scores, ranks and who is unranked', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const outcome = run(s, s.candidates);
        if (!outcome.ok) return;
        const expected = reference(s, s.candidates);
        expect(outcome.results.length).toBe(expected.length);
        for (const want of expected) {
          const got = outcome.results.find((r) => r.candidate === want.c)!;
          expect(got.score).toBeCloseTo(want.score, 9);
          expect(got.rank).toBe(want.rank);
          got.topics.forEach((topic, t) => (want.topics[t] === null ? expect(topic).toBeNull() : expect(topic).toBeCloseTo(want.topics[t]!, 9)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on the order candidates are stored in', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 1000 }), (s, shift) => {
        const n = s.candidates.length;
        const order = s.candidates.map((_, i) => (i + shift) % n);
        const a = run(s, s.candidates);
        const b = run(s, order.map((i) => s.candidates[i]!));
        if (!a.ok || !b.ok) {
          expect(a.ok).toBe(b.ok);
          return;
        }
        const byCandidate = (outcome: typeof a, map: (row: number) => number) =>
          new Map(outcome.results.map((r) => [map(r.candidate), { score: r.score, rank: r.rank, topics: r.topics }]));
        expect(byCandidate(b, (row) => order[row]!)).toEqual(byCandidate(a, (row) => row));
        expect(new Set(b.unranked.map((row) => order[row]!))).toEqual(new Set(a.unranked));
      }),
      { numRuns: 300 },
    );
  });
});
