import type { Method, MissingPolicy } from '../../domain/matching.js';
import type { MatchResult } from '../../services/matching.js';
import { Recent } from '../recent.js';
import { snapshotId } from '../response-cache.js';

type Matched = Extract<MatchResult, { kind: 'matched' }>;

/** A race's fixed parts, as UTF-8. */
interface RaceParts {
  /** Candidate row r's `{"candidate":…,"party":…,"score":`. */
  prefixes: Buffer[];
  /** Per topic, its key and a score as one part: `"slug":81.25`, with a comma before all but the first. */
  topics: NumberParts[];
}

const kept = new Recent<RaceParts>(32);

/** The longest JSON.stringify of a double, `-1.7976931348623157e+308`. */
const NUMBER_BYTES = 24;

const bytes = (text: string) => Buffer.from(text);
const NULL = bytes('null');

/**
 * The match API's answer (SPEC §5.7) as JSON bytes, exactly as JSON.stringify
 * would write them. A race of 2,000 candidates with a score per topic is
 * 440 kB: an object per candidate for JSON.stringify took ten times as long as
 * the matching, and concatenating 26,000 strings and then encoding them
 * (`Buffer.from` of the joined string) still took 1.5 ms more than this.
 * Here the bytes are written once, into one buffer, from parts encoded once
 * and kept: a candidate's key and party, a topic's key with each of its
 * scores (equal scores are equal sums, so a race has few), a percent, a rank.
 * A candidate is nine copies; copies of more than a few bytes are
 * `Uint8Array.set`, which for 20 bytes took a third of the time of a loop.
 */
export function matchJson(result: Matched, settings: { method: Method; missing: MissingPolicy }): Buffer {
  const { election, race, outcome } = result;
  if (!outcome.ok) throw new Error('a match answer needs a successful match');
  const parts = kept.get(`${snapshotId(election)}:${snapshotId(race)}`, () => raceParts(result));
  const { prefixes, topics } = parts;
  const head = bytes(
    `{"race":${JSON.stringify(race.race.slug)},"method":${JSON.stringify(settings.method)},"missing":${JSON.stringify(settings.missing)},` +
      `"counted":${outcome.counted},"results":[`,
  );
  const tail = bytes(`],"unranked":[${outcome.unranked.map((row) => JSON.stringify(race.candidates[row]!.key)).join(',')}]}`);
  const results = outcome.results;
  let size = head.length + tail.length;
  for (const r of results) size += prefixes[r.candidate]!.length;
  const perResult = 1 + NUMBER_BYTES + PERCENT_BYTES + RANK_BYTES + topics.reduce((sum, t) => sum + t.longest, 0) + 2;
  const out = Buffer.allocUnsafe(size + results.length * perResult);
  const scores = new Float64Array(topics.length);
  out.set(head, 0);
  let at = head.length;
  for (let i = 0; i < results.length; i += 1) {
    const r = results[i]!;
    if (i > 0) out[at++] = 0x2c; // ,
    at = put(out, at, prefixes[r.candidate]!);
    at = copy(out, at, encodedNumber(r.score));
    at = put(out, at, percentPart(r.percent));
    at = put(out, at, rankPart(r.rank));
    r.topicsInto(scores);
    for (let t = 0; t < topics.length; t += 1) at = put(out, at, topics[t]!.part(scores[t]!));
    out[at++] = 0x7d; // }
    out[at++] = 0x7d;
  }
  out.set(tail, at);
  return out.subarray(0, at + tail.length);
}

/*
 * Numbers as JSON.stringify writes them, kept in a table of places, a value's
 * place worked out from the value: a race's answer has a few hundred distinct
 * scores, read tens of thousands of times, and a Map of doubles took a fifth
 * of the writing.
 */
class NumberParts {
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

const numbers = new NumberParts('', 4096);

export function encodedNumber(value: number): Buffer {
  return numbers.part(value);
}

/** `,"percent":74`, for each percent 0–100. */
const percentParts = Array.from({ length: 101 }, (_, percent) => bytes(`,"percent":${percent}`));
const PERCENT_BYTES = Math.max(...percentParts.map((part) => part.length));
/** `,"rank":12,"topics":{`, for the ranks seen so far, up to RANKS_KEPT. */
const rankParts: Buffer[] = [];
const RANKS_KEPT = 1 << 16;
const RANK_BYTES = Buffer.byteLength(`,"rank":${Number.MAX_SAFE_INTEGER},"topics":{`);

function percentPart(percent: number): Buffer {
  return percentParts[percent] ?? bytes(`,"percent":${percent}`);
}

function rankPart(rank: number): Buffer {
  const part = rankParts[rank];
  if (part) return part;
  const text = bytes(`,"rank":${rank},"topics":{`);
  if (rank < RANKS_KEPT) rankParts[rank] = text;
  return text;
}

/** Copies a part of a few bytes to `out` at `at`, byte by byte. Returns where it ends. */
function copy(out: Buffer, at: number, part: Buffer): number {
  for (let i = 0; i < part.length; i += 1) out[at++] = part[i]!;
  return at;
}

/** Copies a longer part to `out` at `at`. Returns where it ends. */
function put(out: Buffer, at: number, part: Buffer): number {
  out.set(part, at);
  return at + part.length;
}

function raceParts({ election, race }: Matched): RaceParts {
  const { parties, topics } = election.detail;
  const slugOf = new Map(parties.map((p) => [p.id, p.slug]));
  const texts = race.candidates.map((candidate) => {
    const party = candidate.partyId === null ? null : (slugOf.get(candidate.partyId) ?? null);
    return `{"candidate":${JSON.stringify(candidate.key)},"party":${JSON.stringify(party)},"score":`;
  });
  // One allocation for the race, a view per candidate.
  const all = bytes(texts.join(''));
  const prefixes: Buffer[] = [];
  let at = 0;
  for (const text of texts) {
    const length = Buffer.byteLength(text);
    prefixes.push(all.subarray(at, at + length));
    at += length;
  }
  return {
    prefixes,
    topics: topics.map((topic, i) => new NumberParts(`${i === 0 ? '' : ','}${JSON.stringify(topic.slug)}:`, 512)),
  };
}
