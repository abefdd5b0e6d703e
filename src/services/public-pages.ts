import type { Db } from '../db/client.js';
import {
  countElectedCandidates,
  distinctProfileValues,
  findCandidate,
  findCandidatesByKeys,
  listCandidateHistory,
  listPublishedAnswers,
  listRaceCandidates,
} from '../db/repositories/candidates.js';
import { countCandidatesByRaceAndStatus, listElections } from '../db/repositories/elections.js';
import type { Answer, Candidate, Election, ElectionDetail, HistoryEntry, Race } from '../domain/election.js';
import { shuffle, type RandomSource } from '../domain/fairness.js';
import { responseRate, type ResponseRate } from '../domain/response-rate.js';
import type { PageSource } from '../read-model/read-model.js';

/* What the public pages show, read from the repositories; no request or response here. */

export async function electionsOverview(db: Db): Promise<Array<{ election: Election; rate: ResponseRate }>> {
  const elections = await listElections(db);
  return Promise.all(
    elections.map(async (election) => ({
      election,
      rate: responseRate(await countCandidatesByRaceAndStatus(db, election.id)),
    })),
  );
}

export interface ElectionOverview {
  election: ElectionDetail;
  rate: ResponseRate;
  races: Array<{ race: Race; rate: ResponseRate }>;
  /** Candidates marked elected: after the election, the page leads to their promises and votes. */
  elected: number;
}

export async function electionOverview({ db, readModel }: PageSource, slug: string): Promise<ElectionOverview | null> {
  const election = await readModel.detail(slug);
  if (!election) return null;
  const [counts, elected] = await Promise.all([countCandidatesByRaceAndStatus(db, election.id), countElectedCandidates(db, election.id)]);
  return {
    election,
    rate: responseRate(counts),
    races: election.races.map((race) => ({ race, rate: responseRate(counts.filter((c) => c.raceId === race.id)) })),
    elected,
  };
}

export interface RacePage {
  election: ElectionDetail;
  race: Race;
  rate: ResponseRate;
  /** Every candidate of the race in a random order drawn from `random`. */
  candidates: Array<Candidate & { answered: number }>;
}

export async function racePage(
  { db, readModel }: PageSource,
  input: { election: string; race: string; random: RandomSource },
): Promise<RacePage | null> {
  const election = await readModel.detail(input.election);
  const race = election?.races.find((r) => r.slug === input.race);
  if (!election || !race) return null;
  const candidates = await listRaceCandidates(db, race.id);
  return {
    election,
    race,
    rate: responseRate(candidates.map((c) => ({ status: c.status, count: 1 }))),
    candidates: shuffle(candidates, input.random),
  };
}

export interface CandidatePage {
  election: ElectionDetail;
  race: Race;
  candidate: Candidate;
  answers: Answer[];
  history: HistoryEntry[];
}

export async function candidatePage({ db, readModel }: PageSource, input: { election: string; candidate: string }): Promise<CandidatePage | null> {
  const election = await readModel.detail(input.election);
  if (!election) return null;
  const candidate = await findCandidate(db, election.id, input.candidate);
  const race = candidate && election.races.find((r) => r.id === candidate.raceId);
  if (!candidate || !race) return null;
  const [answers, history] = await Promise.all([
    listPublishedAnswers(db, candidate),
    listCandidateHistory(db, candidate.id),
  ]);
  return { election, race, candidate, answers, history };
}

/** A candidate of an election by public id, or null: what an embed of their card is named after. */
export async function electionCandidate(db: Db, input: { electionId: number; candidate: string }): Promise<Candidate | null> {
  return findCandidate(db, input.electionId, input.candidate);
}

/** Candidates of an election by public id, as the ballot card lists them; unknown ids are left out. */
export async function candidatesByKeys(db: Db, input: { electionId: number; keys: readonly string[] }): Promise<Candidate[]> {
  return findCandidatesByKeys(db, input.electionId, input.keys);
}

/** The candidates a voter compares, each with their published answers, in the order chosen; null when one is unknown. */
export async function comparison(db: Db, input: { electionId: number; keys: readonly string[] }): Promise<Array<{ candidate: Candidate; answers: Answer[] }> | null> {
  const candidates = await findCandidatesByKeys(db, input.electionId, input.keys);
  if (candidates.length !== input.keys.length) return null;
  // Columns in the order the voter chose them.
  candidates.sort((x, y) => input.keys.indexOf(x.key) - input.keys.indexOf(y.key));
  const answers = await Promise.all(candidates.map((c) => listPublishedAnswers(db, c)));
  return candidates.map((candidate, i) => ({ candidate, answers: answers[i]! }));
}

/** The self-declared values present among an election's candidates, for filter menus. */
export async function profileValues(db: Db, electionId: number): Promise<{ genders: string[]; raceColors: string[] }> {
  return distinctProfileValues(db, electionId);
}
