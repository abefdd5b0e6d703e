/**
 * Answer scales (SPEC §5.1): k points, 2 ≤ k ≤ 7, stored as 1…k, 1 the
 * strongest disagreement, k the strongest agreement, the middle of an odd
 * scale neutral. Labels are message keys, so every language names them.
 */

const LABELS: Record<number, readonly string[]> = {
  2: ['disagree', 'agree'],
  3: ['disagree', 'neutral', 'agree'],
  4: ['stronglyDisagree', 'disagree', 'agree', 'stronglyAgree'],
  5: ['stronglyDisagree', 'disagree', 'neutral', 'agree', 'stronglyAgree'],
  6: ['stronglyDisagree', 'disagree', 'somewhatDisagree', 'somewhatAgree', 'agree', 'stronglyAgree'],
  7: ['stronglyDisagree', 'disagree', 'somewhatDisagree', 'neutral', 'somewhatAgree', 'agree', 'stronglyAgree'],
};

/** The message key naming point `value` of a `k`-point scale. */
export function scaleLabelKey(value: number, k: number): string {
  const name = LABELS[k]?.[value - 1];
  if (name === undefined) throw new RangeError(`${value} is not a point of a ${k}-point scale`);
  return `scale.${name}`;
}

/** The points of a k-point scale with their label keys, from disagreement to agreement. */
export function scalePoints(k: number): Array<{ value: number; labelKey: string }> {
  return Array.from({ length: k }, (_, i) => ({ value: i + 1, labelKey: scaleLabelKey(i + 1, k) }));
}
