import { isCounted, MIN_COUNTED_PAIRS } from '../domain/coherence.js';
import type { ElectionCoherence } from './coherence.js';

/*
 * Promise coherence as open data: the JSON of `/api/v1/elections/:election/coherence`
 * and the rows of `/data/:election-coherence.csv`, both from one ElectionCoherence.
 */

export function coherenceJson(ec: ElectionCoherence) {
  const parties = new Map(ec.election.parties.map((p) => [p.id, p.slug]));
  const races = new Map(ec.election.races.map((r) => [r.id, r.slug]));
  return {
    election: ec.election.slug,
    minCounted: MIN_COUNTED_PAIRS,
    rollCalls: ec.rollCalls.map((r) => ({ id: r.key, date: r.date, chamber: r.chamber, bill: r.bill, title: r.title, votes: r.votes })),
    links: ec.links.map((l) => ({ statement: l.statement.key, rollCall: l.rollCall.key, direction: l.direction, explanation: l.explanation })),
    candidates: ec.candidates.map(({ candidate, pairs, counted, consistent, coherence, percent }) => ({
      id: candidate.key,
      officialId: candidate.officialId,
      name: candidate.name,
      ballotName: candidate.ballotName,
      party: candidate.partyId === null ? null : (parties.get(candidate.partyId) ?? null),
      race: races.get(candidate.raceId) ?? null,
      counted,
      consistent,
      coherence,
      percent,
      pairs: pairs.map((p) => ({
        statement: p.statement.key,
        rollCall: p.rollCall.key,
        direction: p.direction,
        // null: no published answer; value null: the candidate chose not to answer.
        answer: p.answer === null ? null : { value: p.answer.value, justification: p.answer.justification, hiddenReason: p.answer.hiddenReason },
        vote: p.vote,
        outcome: p.outcome,
        counted: isCounted(p.outcome),
      })),
    })),
  };
}

export const COHERENCE_CSV_COLUMNS = [
  'election',
  'candidate_id',
  'official_id',
  'candidate_name',
  'ballot_name',
  'party',
  'race',
  'statement_id',
  'vote_id',
  'vote_date',
  'chamber',
  'bill',
  'vote_title',
  'direction',
  'answer',
  'value',
  'justification',
  'vote',
  'outcome',
  'explanation',
  'candidate_counted',
  'candidate_consistent',
  'candidate_coherence',
  'candidate_percent',
] as const;

/** The columns of numbers the service writes (a direction is 1 or −1): the only ones whose cells may start with a minus and stay as written. */
export const COHERENCE_CSV_NUMERIC_COLUMNS: ReadonlySet<(typeof COHERENCE_CSV_COLUMNS)[number]> = new Set([
  'direction',
  'value',
  'candidate_counted',
  'candidate_consistent',
  'candidate_coherence',
  'candidate_percent',
]);

/** One row per elected candidate × link, in the election's order and link order. */
export function* coherenceCsvRows(ec: ElectionCoherence): Generator<Record<(typeof COHERENCE_CSV_COLUMNS)[number], string>> {
  const json = coherenceJson(ec);
  const links = new Map(ec.links.map((l) => [`${l.statement.key}\u0000${l.rollCall.key}`, l]));
  const optional = (value: string | number | null) => (value === null ? '' : String(value));
  for (const candidate of json.candidates) {
    for (const pair of candidate.pairs) {
      const link = links.get(`${pair.statement}\u0000${pair.rollCall}`)!;
      yield {
        election: json.election,
        candidate_id: candidate.id,
        official_id: optional(candidate.officialId),
        candidate_name: candidate.name,
        ballot_name: candidate.ballotName,
        party: optional(candidate.party),
        race: optional(candidate.race),
        statement_id: pair.statement,
        vote_id: pair.rollCall,
        vote_date: link.rollCall.date,
        chamber: link.rollCall.chamber,
        bill: link.rollCall.bill,
        vote_title: link.rollCall.title,
        direction: String(pair.direction),
        answer: pair.answer === null ? 'not_answered' : pair.answer.value === null ? 'no_answer' : 'value',
        value: optional(pair.answer?.value ?? null),
        justification: optional(pair.answer?.justification ?? null),
        vote: pair.vote ?? 'not_recorded',
        outcome: pair.outcome,
        explanation: link.explanation,
        candidate_counted: String(candidate.counted),
        candidate_consistent: String(candidate.consistent),
        candidate_coherence: optional(candidate.coherence),
        candidate_percent: optional(candidate.percent),
      };
    }
  }
}
