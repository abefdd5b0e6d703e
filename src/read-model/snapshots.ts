import type { Candidate, ElectionDetail, Race } from '../domain/election.js';
import type { CandidateMatrix, MatchQuestionnaire } from '../domain/matching.js';

/** An election as a process holds it (see read-model.ts): its detail, and the questionnaire packed for matching. */
export interface ElectionSnapshot {
  /** Names this snapshot among all the process has loaded: what is derived from it is kept under it. */
  serial: number;
  /** The election's data version it was loaded at. */
  version: number;
  detail: ElectionDetail;
  questionnaire: MatchQuestionnaire;
  /** Statement key → questionnaire index. */
  statementIndex: ReadonlyMap<string, number>;
}

/** One race of an election snapshot: its candidates (matrix rows) and their published answers, packed. */
export interface RaceSnapshot {
  /** Names this snapshot among all the process has loaded: what is derived from it is kept under it. */
  serial: number;
  election: ElectionSnapshot;
  race: Race;
  candidates: readonly Candidate[];
  matrix: CandidateMatrix;
  /** The self-declared values among the race's candidates, sorted: what its filter menus offer. */
  profileValues: { genders: string[]; raceColors: string[] };
}
