import type { Method, MissingPolicy } from '../../domain/matching.js';
import type { MatchResult } from '../../services/matching.js';
import { Recent } from '../recent.js';
import { snapshotId } from '../response-cache.js';

type Matched = Extract<MatchResult, { kind: 'matched' }>;

/** A race's fixed parts: each candidate's `{"candidate":…,"party":…,"score":` and each topic's `"slug":`, as UTF-8. */
interface RaceParts {
  /** Candidate row r's prefix is `prefixes[start[r]] … prefixes[start[r + 1] − 1]`. */
  prefixes: Uint8Array;
  start: Uint32Array;
  /** Topic t's key, with the comma before it but for the first. */
  topicKeys: Uint8Array[];
}

const kept = new Recent<RaceParts>(32);

/** The longest JSON.stringify of a double, `-1.7976931348623157e+308`, and of an integer rank or percent. */
const NUMBER_BYTES = 24;
const INTEGER_BYTES = 16;

const bytes = (text: string) => Buffer.from(text);
const PERCENT = bytes(',"percent":');
const RANK = bytes(',"rank":');
const TOPICS = bytes(',"topics":{');
const NULL = bytes('null');

/**
 * The match API's answer (SPEC §5.7) as JSON bytes, exactly as JSON.stringify
 * would write them. A race of 2,000 candidates with a score per topic is
 * 440 kB: an object per candidate for JSON.stringify took ten times as long as
 * the matching, and concatenating 26,000 strings and then encoding them
 * (`Buffer.from` of the joined string) still took 1.5 ms more than this.
 * Here the bytes are written once, into one buffer: a candidate's key and
 * party are encoded once per race, and each number once while it is in the
 * table below (equal scores are equal sums, so a race has few).
 */
export function matchJson(result: Matched, settings: { method: Method; missing: MissingPolicy }): Buffer {
  const { election, race, outcome } = result;
  if (!outcome.ok) throw new Error('a match answer needs a successful match');
  const parts = kept.get(`${snapshotId(election)}:${snapshotId(race)}`, () => raceParts(result));
  const { prefixes, start, topicKeys } = parts;
  const head = bytes(
    `{"race":${JSON.stringify(race.race.slug)},"method":${JSON.stringify(settings.method)},"missing":${JSON.stringify(settings.missing)},` +
      `"counted":${outcome.counted},"results":[`,
  );
  const tail = bytes(`],"unranked":[${outcome.unranked.map((row) => JSON.stringify(race.candidates[row]!.key)).join(',')}]}`);
  const topicBytes = topicKeys.reduce((sum, key) => sum + key.length + NUMBER_BYTES, 0);
  const perResult = 1 + NUMBER_BYTES + PERCENT.length + INTEGER_BYTES + RANK.length + INTEGER_BYTES + TOPICS.length + topicBytes + 2;
  const out = Buffer.allocUnsafe(head.length + prefixes.length + outcome.results.length * perResult + tail.length);
  let at = copy(out, 0, head);
  const results = outcome.results;
  for (let i = 0; i < results.length; i += 1) {
    const r = results[i]!;
    if (i > 0) out[at++] = 0x2c; // ,
    at = copy(out, at, prefixes, start[r.candidate]!, start[r.candidate + 1]!);
    at = copy(out, at, encodedNumber(r.score));
    at = copy(out, at, PERCENT);
    at = digits(out, at, r.percent);
    at = copy(out, at, RANK);
    at = digits(out, at, r.rank);
    at = copy(out, at, TOPICS);
    const scores = r.topics;
    for (let t = 0; t < topicKeys.length; t += 1) {
      at = copy(out, at, topicKeys[t]!);
      const score = scores[t];
      at = copy(out, at, score === null || score === undefined ? NULL : encodedNumber(score));
    }
    out[at++] = 0x7d; // }
    out[at++] = 0x7d;
  }
  at = copy(out, at, tail);
  return out.subarray(0, at);
}

/*
 * Numbers as JSON.stringify writes them, kept in a table of SLOTS places, a
 * value's place worked out from the value: a race's answer has a few hundred
 * distinct scores, read tens of thousands of times, and a Map of doubles took
 * a fifth of the writing.
 */
const SLOTS = 4096;
const slotValue = new Float64Array(SLOTS).fill(Number.NaN);
const slotText: Uint8Array[] = new Array<Uint8Array>(SLOTS).fill(NULL);

export function encodedNumber(value: number): Uint8Array {
  const slot = (value * 4099) & (SLOTS - 1);
  if (slotValue[slot] === value) return slotText[slot]!;
  const text = bytes(JSON.stringify(value));
  slotValue[slot] = value;
  slotText[slot] = text;
  return text;
}

/** Copies `part[from … to)` to `out` at `at`, byte by byte: the parts are short. Returns where it ends. */
function copy(out: Uint8Array, at: number, part: Uint8Array, from = 0, to = part.length): number {
  for (let i = from; i < to; i += 1) out[at++] = part[i]!;
  return at;
}

/** Writes a whole number of 0 or more in decimal at `at`. Returns where it ends. */
function digits(out: Uint8Array, at: number, value: number): number {
  let end = at;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) end += 1;
  for (let i = end, rest = value; i >= at; i -= 1, rest = Math.floor(rest / 10)) out[i] = 0x30 + (rest % 10);
  return end + 1;
}

function raceParts({ election, race }: Matched): RaceParts {
  const { parties, topics } = election.detail;
  const slugOf = new Map(parties.map((p) => [p.id, p.slug]));
  const texts = race.candidates.map((candidate) => {
    const party = candidate.partyId === null ? null : (slugOf.get(candidate.partyId) ?? null);
    return bytes(`{"candidate":${JSON.stringify(candidate.key)},"party":${JSON.stringify(party)},"score":`);
  });
  const start = new Uint32Array(texts.length + 1);
  texts.forEach((text, row) => (start[row + 1] = start[row]! + text.length));
  return {
    prefixes: Buffer.concat(texts),
    start,
    topicKeys: topics.map((topic, i) => bytes(`${i === 0 ? '' : ','}${JSON.stringify(topic.slug)}:`)),
  };
}
