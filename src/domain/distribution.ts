/**
 * How one statement was answered, counted by group (party): one count per
 * scale point, explicit "no answer", and candidates who have not answered
 * (not published, or no answer to this statement).
 */
export interface DistributionRow<K> {
  key: K;
  points: number[];
  noAnswer: number;
  notAnswered: number;
  total: number;
}

export function distribution<K>(
  scale: number,
  answers: Iterable<{ group: K; answered: boolean; value: number | null }>,
): Array<DistributionRow<K>> {
  const rows = new Map<K, DistributionRow<K>>();
  for (const answer of answers) {
    let row = rows.get(answer.group);
    if (!row) {
      row = { key: answer.group, points: new Array<number>(scale).fill(0), noAnswer: 0, notAnswered: 0, total: 0 };
      rows.set(answer.group, row);
    }
    row.total += 1;
    if (!answer.answered) row.notAnswered += 1;
    else if (answer.value === null) row.noAnswer += 1;
    else row.points[answer.value - 1]! += 1;
  }
  return [...rows.values()];
}

/** Diverging colours (red for disagreement, blue for agreement, grey in the middle) readable with colour-blindness. */
export function scaleColours(k: number): string[] {
  const palettes: Record<number, string[]> = {
    2: ['#b2182b', '#2166ac'],
    3: ['#b2182b', '#bdbdbd', '#2166ac'],
    4: ['#b2182b', '#ef8a62', '#67a9cf', '#2166ac'],
    5: ['#b2182b', '#ef8a62', '#bdbdbd', '#67a9cf', '#2166ac'],
    6: ['#b2182b', '#d6604d', '#f4a582', '#92c5de', '#4393c3', '#2166ac'],
    7: ['#b2182b', '#d6604d', '#f4a582', '#bdbdbd', '#92c5de', '#4393c3', '#2166ac'],
  };
  const palette = palettes[k];
  if (!palette) throw new RangeError(`no palette for a ${k}-point scale`);
  return palette;
}
