import { seededRandom, newSeed } from '../domain/fairness.js';
import {
  matchCandidates,
  type MatchOutcome,
  type Method,
  type MissingPolicy,
  type VoterAnswers,
} from '../domain/matching.js';
import type { ReadModel } from '../read-model/read-model.js';
import type { ElectionSnapshot, RaceSnapshot } from '../read-model/snapshots.js';

/*
 * Matching a voter against a race: the voter's answers arrive either as the
 * result URL's strings (SPEC §5.6) or as the API's objects (SPEC §5.7), are
 * checked against the election's statements, and are scored in memory. Nothing
 * here writes or logs the answers.
 */

/** A fault in what the voter sent, for a form message or the API's `details`. */
export interface VoterInputError {
  field: 'race' | 'a' | 'w' | 'answers' | 'weights';
  code:
    | 'unknown_race'
    | 'race_required'
    | 'wrong_length'
    | 'outside_scale'
    | 'unknown_statement'
    | 'bad_character';
  params: Record<string, string | number>;
}

export type MatchResult =
  | { kind: 'no_election' }
  | { kind: 'invalid'; election: ElectionSnapshot; voter: VoterAnswers | null; errors: VoterInputError[] }
  | {
      kind: 'matched';
      election: ElectionSnapshot;
      race: RaceSnapshot;
      voter: VoterAnswers;
      outcome: MatchOutcome;
    };

export interface MatchSettings {
  method: Method;
  missing: MissingPolicy;
  /** Fixes the order inside ties; random when absent. */
  seed?: number | undefined;
}

/** Decodes §5.6's `a` and `w` strings against the election's statements. */
export function decodeResultStrings(
  election: ElectionSnapshot,
  input: { a: string; w?: string | undefined },
): { voter: VoterAnswers; errors: VoterInputError[] } {
  const count = election.detail.statements.length;
  const errors: VoterInputError[] = [];
  const values = new Uint8Array(count);
  const weights = new Uint8Array(count).fill(1);
  if (input.a.length !== count) errors.push({ field: 'a', code: 'wrong_length', params: { expected: count, got: input.a.length } });
  for (let s = 0; s < Math.min(count, input.a.length); s += 1) {
    const char = input.a[s]!;
    if (char === '-') continue;
    const value = Number(char);
    const k = election.questionnaire.scales[s]!;
    if (!Number.isInteger(value) || value < 1 || value > k) {
      errors.push({ field: 'a', code: 'outside_scale', params: { statement: election.detail.statements[s]!.key, value: char, max: k } });
    } else {
      values[s] = value;
    }
  }
  if (input.w !== undefined) {
    if (input.w.length !== count) errors.push({ field: 'w', code: 'wrong_length', params: { expected: count, got: input.w.length } });
    for (let s = 0; s < Math.min(count, input.w.length); s += 1) {
      const weight = Number(input.w[s]);
      if (weight === 0 || weight === 1 || weight === 2) weights[s] = weight;
      else errors.push({ field: 'w', code: 'bad_character', params: { statement: election.detail.statements[s]!.key, value: input.w[s]! } });
    }
  }
  return { voter: { values, weights }, errors };
}

/** §5.6's strings for a voter's answers: the shareable form. */
export function encodeResultStrings(voter: VoterAnswers): { a: string; w: string | null } {
  const a = Array.from(voter.values, (v) => (v === 0 ? '-' : String(v))).join('');
  const w = Array.from(voter.weights, String).join('');
  return { a, w: /^1*$/.test(w) ? null : w };
}

/** Decodes the API's `answers` and `weights` objects, keyed by statement id. */
export function decodeAnswerObjects(
  election: ElectionSnapshot,
  input: { answers: Record<string, number | null>; weights?: Record<string, number> | undefined },
): { voter: VoterAnswers; errors: VoterInputError[] } {
  const count = election.detail.statements.length;
  const errors: VoterInputError[] = [];
  const values = new Uint8Array(count);
  const weights = new Uint8Array(count).fill(1);
  for (const [key, value] of Object.entries(input.answers)) {
    const s = election.statementIndex.get(key);
    if (s === undefined) {
      errors.push({ field: 'answers', code: 'unknown_statement', params: { statement: key } });
      continue;
    }
    if (value === null) continue;
    const k = election.questionnaire.scales[s]!;
    if (value < 1 || value > k) errors.push({ field: 'answers', code: 'outside_scale', params: { statement: key, value, max: k } });
    else values[s] = value;
  }
  for (const [key, weight] of Object.entries(input.weights ?? {})) {
    const s = election.statementIndex.get(key);
    if (s === undefined) errors.push({ field: 'weights', code: 'unknown_statement', params: { statement: key } });
    else weights[s] = weight;
  }
  return { voter: { values, weights }, errors };
}

/**
 * Finds the race (the only one when the election has one and none is named),
 * then scores it. `decode` turns the voter's input into packed answers.
 */
export async function matchVoter(
  readModel: ReadModel,
  input: {
    election: string;
    race: string | undefined;
    decode: (election: ElectionSnapshot) => { voter: VoterAnswers; errors: VoterInputError[] };
    settings: MatchSettings;
    random: () => number;
  },
): Promise<MatchResult> {
  // One snapshot serves both decoding and scoring, so an import in between cannot mix two versions.
  const named = input.race === undefined ? null : await readModel.race(input.election, input.race);
  const election = named ? named.election : await readModel.election(input.election);
  if (!election) return { kind: 'no_election' };
  const races = election.detail.races;
  const found =
    named ?? (races.length === 1 ? await readModel.race(input.election, races[0]!.slug) : { election, race: null });
  if (!found) return { kind: 'no_election' };
  const { voter, errors } = input.decode(found.election);
  if (input.race === undefined && races.length !== 1) errors.unshift({ field: 'race', code: 'race_required', params: {} });
  else if (!found.race) errors.unshift({ field: 'race', code: 'unknown_race', params: { race: input.race ?? '' } });
  if (errors.length > 0 || !found.race) return { kind: 'invalid', election: found.election, voter, errors };
  const seed = input.settings.seed ?? newSeed(input.random);
  const outcome = matchCandidates(found.election.questionnaire, found.race.matrix, voter, {
    method: input.settings.method,
    missing: input.settings.missing,
    minAnswers: found.election.detail.minAnswers,
    random: seededRandom(seed),
  });
  return { kind: 'matched', election: found.election, race: found.race, voter, outcome };
}
