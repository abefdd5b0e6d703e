import Handlebars from 'handlebars';
import { roundHalfUp, type RankedCandidate } from '../../domain/matching.js';
import type { RowParts } from '../../read-model/row-parts.js';

/** Where the rows go in the rendered page: a comment, which no escaped text can hold. */
const SLOT = '<!--ranking-->';

export interface RankingHtml {
  /** What the template prints where the rows go. */
  slot: Handlebars.SafeString;
  /** The rows, encoded, and the slot they replace (see `renderWithRows`). */
  rows: { at: string; parts: Buffer[] };
}

/**
 * The ranked list of a results page (the `<li>`s of `ol.ranking`), joined
 * from the race's row parts (read-model/row-parts.ts) rather than written by
 * the template: the parts that do not depend on the voter are encoded once
 * per race and language, and a page only picks them.
 */
export function rankingHtml(
  ranked: readonly RankedCandidate[],
  parts: RowParts,
  /** Whether more than one candidate holds a rank. */
  tied: (rank: number) => boolean,
): RankingHtml {
  const pieces: Buffer[] = [];
  // One array of topic scores for every row (NaN: no score), rather than an array per row.
  const scores = new Float64Array(parts.topicCount);
  for (const row of ranked) {
    pieces.push(parts.rank(row.rank, tied(row.rank)), parts.percent(row.percent), parts.head(row.candidate));
    row.topicsInto(scores);
    for (let i = 0; i < scores.length; i += 1) {
      const score = scores[i]!;
      pieces.push(parts.topic(i, Number.isNaN(score) ? null : roundHalfUp(score)));
    }
    pieces.push(parts.tail(row.candidate));
  }
  return { slot: new Handlebars.SafeString(SLOT), rows: { at: SLOT, parts: pieces } };
}
