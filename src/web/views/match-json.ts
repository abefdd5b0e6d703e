import type { Method, MissingPolicy } from '../../domain/matching.js';
import type { MatchParts } from '../../read-model/match-parts.js';
import type { MatchResult } from '../../services/matching.js';

type Matched = Extract<MatchResult, { kind: 'matched' }>;

/**
 * The match API's answer (SPEC §5.7) as JSON bytes, exactly as JSON.stringify
 * would write them, written into one buffer from the race's kept parts
 * (read-model/match-parts.ts). A candidate is nine copies; copies of more than
 * a few bytes are `Uint8Array.set`, faster than a loop from a few dozen bytes.
 */
export function matchJson(result: Matched, parts: MatchParts, settings: { method: Method; missing: MissingPolicy }): Buffer {
  const { race, outcome } = result;
  if (!outcome.ok) throw new Error('a match answer needs a successful match');
  const { openings, topics } = parts;
  const head = Buffer.from(
    `{"race":${JSON.stringify(race.race.slug)},"method":${JSON.stringify(settings.method)},"missing":${JSON.stringify(settings.missing)},` +
      `"counted":${outcome.counted},"results":[`,
  );
  const tail = Buffer.from(`],"unranked":[${outcome.unranked.map((row) => JSON.stringify(race.candidates[row]!.key)).join(',')}]}`);
  const results = outcome.results;
  let size = head.length + tail.length;
  for (const r of results) size += openings[r.candidate]!.length;
  const out = Buffer.allocUnsafe(size + results.length * parts.longestResult);
  const scores = new Float64Array(topics.length);
  out.set(head, 0);
  let at = head.length;
  for (let i = 0; i < results.length; i += 1) {
    const r = results[i]!;
    if (i > 0) out[at++] = 0x2c; // ,
    at = put(out, at, openings[r.candidate]!);
    at = copy(out, at, parts.scores.part(r.score));
    at = put(out, at, parts.percent(r.percent));
    at = put(out, at, parts.rank(r.rank));
    r.topicsInto(scores);
    for (let t = 0; t < topics.length; t += 1) at = put(out, at, topics[t]!.part(scores[t]!));
    out[at++] = 0x7d; // }
    out[at++] = 0x7d;
  }
  out.set(tail, at);
  return out.subarray(0, at + tail.length);
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
