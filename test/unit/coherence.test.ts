import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assessCoherence,
  MIN_COUNTED_PAIRS,
  pairOutcome,
  ROLL_CALL_VOTES,
  type CoherencePairInput,
  type LinkDirection,
  type RollCallVote,
} from '../../src/domain/coherence.js';

/* A pair on a five-point scale unless said otherwise: 1, 2 disagree (p < 0), 3 neutral, 4, 5 agree (p > 0). */
const pair = (answer: number | null | undefined, direction: LinkDirection, vote: RollCallVote | null, scale = 5): CoherencePairInput => ({
  scale,
  answer,
  direction,
  vote,
});

describe('promise coherence (SPEC §5.8), worked by hand', () => {
  it('a pair is consistent when sign(p) · d = x', () => {
    // Agrees (p = +.5), a yes agrees with the statement (d = +1): expected x = +1, a yes.
    expect(pairOutcome(pair(5, 1, 'yes'))).toBe('consistent');
    expect(pairOutcome(pair(5, 1, 'no'))).toBe('inconsistent');
    // Disagrees (p = −.25), d = +1: expected x = −1, a no.
    expect(pairOutcome(pair(2, 1, 'no'))).toBe('consistent');
    expect(pairOutcome(pair(2, 1, 'yes'))).toBe('inconsistent');
    // The vote is on a bill a yes to which disagrees with the statement (d = −1): the signs turn.
    expect(pairOutcome(pair(4, -1, 'no'))).toBe('consistent');
    expect(pairOutcome(pair(4, -1, 'yes'))).toBe('inconsistent');
    expect(pairOutcome(pair(1, -1, 'yes'))).toBe('consistent');
    // Strength does not matter, only the side: 4 and 5 are the same side.
    expect(pairOutcome(pair(4, 1, 'yes'))).toBe(pairOutcome(pair(5, 1, 'yes')));
  });

  it('neutral and missing answers, abstentions, absences and unrecorded votes do not count', () => {
    expect(pairOutcome(pair(3, 1, 'yes'))).toBe('neutral');
    expect(pairOutcome(pair(4, 1, 'yes', 7))).toBe('neutral'); // the middle of seven points
    expect(pairOutcome(pair(null, 1, 'yes'))).toBe('no_answer'); // chose not to answer
    expect(pairOutcome(pair(undefined, 1, 'no'))).toBe('no_answer'); // no published answer
    expect(pairOutcome(pair(5, 1, 'abstain'))).toBe('abstain');
    expect(pairOutcome(pair(1, -1, 'absent'))).toBe('absent');
    expect(pairOutcome(pair(2, 1, null))).toBe('no_vote');
    // The answer's reason comes first when both sides fail.
    expect(pairOutcome(pair(3, 1, 'abstain'))).toBe('neutral');
    expect(pairOutcome(pair(null, 1, null))).toBe('no_answer');
    // An even scale has no middle: on four points 2 is p = −1/6, 3 is p = +1/6.
    expect(pairOutcome(pair(3, 1, 'yes', 4))).toBe('consistent');
    expect(pairOutcome(pair(1, 1, 'yes', 2))).toBe('inconsistent');
  });

  it('coherence = consistent / counted, over the counted pairs only', () => {
    const result = assessCoherence([
      pair(5, 1, 'yes'), // consistent
      pair(2, 1, 'no'), // consistent
      pair(4, -1, 'yes'), // inconsistent
      pair(1, -1, 'yes'), // consistent
      pair(3, 1, 'yes'), // neutral: left out
      pair(5, 1, 'abstain'), // abstained: left out
      pair(undefined, 1, 'no'), // no answer: left out
    ]);
    // 3 consistent of 4 counted = 0.75 → 75%.
    expect(result).toMatchObject({ counted: 4, consistent: 3, percent: 75 });
    expect(result.coherence).toBeCloseTo(0.75, 12);
    expect(result.pairs.map((p) => p.outcome)).toEqual([
      'consistent',
      'consistent',
      'inconsistent',
      'consistent',
      'neutral',
      'abstain',
      'no_answer',
    ]);
  });

  it('gives no figure when fewer than three pairs count, however many are listed', () => {
    const two = assessCoherence([pair(5, 1, 'yes'), pair(1, 1, 'no'), pair(3, 1, 'yes'), pair(4, 1, 'absent'), pair(4, 1, null)]);
    // Two counted, both consistent: 2 / 2 would be 100%, but two pairs are too few to say.
    expect(two).toMatchObject({ counted: 2, consistent: 2, coherence: null, percent: null });
    expect(two.pairs).toHaveLength(5);
    const three = assessCoherence([pair(5, 1, 'yes'), pair(1, 1, 'no'), pair(5, 1, 'no')]);
    // 2 / 3 = 66.67% → 67, rounded half up.
    expect(three).toMatchObject({ counted: 3, consistent: 2, percent: 67 });
    expect(assessCoherence([])).toMatchObject({ counted: 0, consistent: 0, coherence: null, percent: null });
  });

  it('keeps each pair’s own data beside its outcome', () => {
    const result = assessCoherence([{ ...pair(5, 1, 'yes'), statement: 's01' }]);
    expect(result.pairs[0]).toEqual({ scale: 5, answer: 5, direction: 1, vote: 'yes', statement: 's01', outcome: 'consistent' });
  });

  it('holds for any pairs: counted = consistent + inconsistent, coherence within [0, 1] and present from three counted', () => {
    const anyPair = fc
      .integer({ min: 2, max: 7 })
      .chain((scale) =>
        fc.record({
          scale: fc.constant(scale),
          answer: fc.oneof(fc.integer({ min: 1, max: scale }), fc.constant(null), fc.constant(undefined)),
          direction: fc.constantFrom<LinkDirection>(1, -1),
          vote: fc.constantFrom<RollCallVote | null>(...ROLL_CALL_VOTES, null),
        }),
      );
    fc.assert(
      fc.property(fc.array(anyPair, { maxLength: 30 }), (pairs) => {
        const result = assessCoherence(pairs);
        const inconsistent = result.pairs.filter((p) => p.outcome === 'inconsistent').length;
        expect(result.counted).toBe(result.consistent + inconsistent);
        expect(result.coherence === null).toBe(result.counted < MIN_COUNTED_PAIRS);
        if (result.coherence !== null) expect(result.coherence).toBeGreaterThanOrEqual(0);
        if (result.coherence !== null) expect(result.coherence).toBeLessThanOrEqual(1);
        // Turning the link's direction turns every counted pair.
        const turned = assessCoherence(pairs.map((p) => ({ ...p, direction: -p.direction as LinkDirection })));
        expect(turned.consistent).toBe(inconsistent);
      }),
    );
  });
});
