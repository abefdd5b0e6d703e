import type { RaceSnapshot } from './snapshots.js';

/** The longest JSON.stringify of a double, `-1.7976931348623157e+308`. */
const NUMBER_BYTES = 24;
/** Ranks whose part is kept; a larger race writes the rest each time. */
const RANKS_KEPT = 1 << 16;

const bytes = (text: string) => Buffer.from(text);
const NULL = bytes('null');

/**
 * The pieces of a race's match API answers (SPEC §5.7) that do not depend on
 * the voter, as UTF-8, kept with the race snapshot (see read-model.ts) and
 * joined by web/views/match-json.ts: a candidate's opening
 * `{"candidate":…,"party":…,"score":`, a topic's key with each score it was
 * given (equal scores are equal sums, so a race has few), a percent, a rank.
 * A large race's answer is hundreds of kilobytes, and an object per candidate
 * for JSON.stringify cost far more than the matching.
 */
export class MatchParts {
  /** Candidate row r's `{"candidate":…,"party":…,"score":`. */
  readonly openings: Buffer[];
  /** Per topic, its key and a score as one part: `"slug":81.25`, with a comma before all but the first. */
  readonly topics: NumberParts[];
  /** A score. */
  readonly scores = new NumberParts('', 4096);
  /** The longest part a result can take besides its opening. */
  readonly longestResult: number;
  private readonly percents = Array.from({ length: 101 }, (_, percent) => bytes(`,"percent":${percent}`));
  private readonly ranks: Buffer[] = [];

  constructor(race: RaceSnapshot) {
    const { parties, topics } = race.election.detail;
    const slugOf = new Map(parties.map((p) => [p.id, p.slug]));
    const texts = race.candidates.map((candidate) => {
      const party = candidate.partyId === null ? null : (slugOf.get(candidate.partyId) ?? null);
      return `{"candidate":${JSON.stringify(candidate.key)},"party":${JSON.stringify(party)},"score":`;
    });
    // One allocation for the race, a view per candidate.
    const all = bytes(texts.join(''));
    this.openings = [];
    let at = 0;
    for (const text of texts) {
      const length = Buffer.byteLength(text);
      this.openings.push(all.subarray(at, at + length));
      at += length;
    }
    this.topics = topics.map((topic, i) => new NumberParts(`${i === 0 ? '' : ','}${JSON.stringify(topic.slug)}:`, 512));
    const rankBytes = Buffer.byteLength(`,"rank":${Number.MAX_SAFE_INTEGER},"topics":{`);
    this.longestResult = 1 + NUMBER_BYTES + Buffer.byteLength(',"percent":100') + rankBytes + this.topics.reduce((sum, t) => sum + t.longest, 0) + 2;
  }

  /** `,"percent":74`. */
  percent(percent: number): Buffer {
    return this.percents[percent] ?? bytes(`,"percent":${percent}`);
  }

  /** `,"rank":12,"topics":{`. */
  rank(rank: number): Buffer {
    const part = this.ranks[rank];
    if (part) return part;
    const text = bytes(`,"rank":${rank},"topics":{`);
    if (rank < RANKS_KEPT) this.ranks[rank] = text;
    return text;
  }
}

/*
 * Numbers as JSON.stringify writes them, kept in a table of places, a value's
 * place worked out from the value: a race's answer has few distinct scores,
 * read many times, and a Map of doubles was slower.
 */
export class NumberParts {
  private readonly values: Float64Array;
  private readonly texts: Buffer[];
  private readonly none: Buffer;
  /** The longest part this writes. */
  readonly longest: number;

  constructor(
    private readonly before: string,
    private readonly slots: number,
  ) {
    this.values = new Float64Array(slots).fill(Number.NaN);
    this.texts = new Array<Buffer>(slots).fill(NULL);
    this.none = bytes(`${before}null`);
    this.longest = Buffer.byteLength(before) + NUMBER_BYTES;
  }

  /** The part of `value`, NaN standing for null. */
  part(value: number): Buffer {
    if (Number.isNaN(value)) return this.none;
    const slot = (value * 4099) & (this.slots - 1);
    if (this.values[slot] === value) return this.texts[slot]!;
    const text = bytes(`${this.before}${JSON.stringify(value)}`);
    this.values[slot] = value;
    this.texts[slot] = text;
    return text;
  }
}
