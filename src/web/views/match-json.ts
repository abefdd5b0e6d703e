import type { Method, MissingPolicy } from '../../domain/matching.js';
import type { MatchResult } from '../../services/matching.js';
import { Recent } from '../recent.js';
import { snapshotId } from '../response-cache.js';

/** Per race: each candidate's `{"candidate":…,"party":…,"score":`, made when first needed. */
const kept = new Recent<Array<string | undefined>>(32);

/**
 * The match API's answer (SPEC §5.7) as JSON text, exactly as JSON.stringify
 * would write it. A race of 2,000 candidates with a score per topic is 440 kB:
 * building an object per candidate for JSON.stringify took ten times as long
 * as the matching. Here each distinct number is written once per answer
 * (equal scores are equal sums, so there are few), and a candidate's key and
 * party once per race.
 */
export function matchJson(result: Extract<MatchResult, { kind: 'matched' }>, settings: { method: Method; missing: MissingPolicy }): Buffer {
  const { election, race, outcome } = result;
  if (!outcome.ok) throw new Error('a match answer needs a successful match');
  const { parties, topics } = election.detail;
  const prefixes = kept.get(`${snapshotId(election)}:${snapshotId(race)}`, () => new Array(race.candidates.length));
  const prefix = (row: number) => {
    let text = prefixes[row];
    if (text === undefined) {
      const candidate = race.candidates[row]!;
      const party = candidate.partyId === null ? null : (parties.find((p) => p.id === candidate.partyId)?.slug ?? null);
      text = `{"candidate":${JSON.stringify(candidate.key)},"party":${JSON.stringify(party)},"score":`;
      prefixes[row] = text;
    }
    return text;
  };
  const written = new Map<number, string>();
  const number = (value: number) => {
    let text = written.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      written.set(value, text);
    }
    return text;
  };
  const topicKeys = topics.map((topic, i) => `${i === 0 ? '' : ','}${JSON.stringify(topic.slug)}:`);

  let json =
    `{"race":${JSON.stringify(race.race.slug)},"method":${JSON.stringify(settings.method)},"missing":${JSON.stringify(settings.missing)},` +
    `"counted":${outcome.counted},"results":[`;
  outcome.results.forEach((r, i) => {
    let scores = '';
    const byTopic = r.topics;
    for (let t = 0; t < topicKeys.length; t += 1) {
      const score = byTopic[t];
      scores += topicKeys[t]! + (score === null || score === undefined ? 'null' : number(score));
    }
    json += `${i === 0 ? '' : ','}${prefix(r.candidate)}${number(r.score)},"percent":${r.percent},"rank":${r.rank},"topics":{${scores}}}`;
  });
  json += `],"unranked":[${outcome.unranked.map((row) => JSON.stringify(race.candidates[row]!.key)).join(',')}]}`;
  return Buffer.from(json);
}
