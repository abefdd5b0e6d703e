import type { Answer, Candidate, CandidateStatus, HistoryEntry } from '../../domain/election.js';
import type { Db } from '../client.js';
import { flag, readLinks } from '../json-columns.js';
import type { CandidateRow } from '../schema.js';
import { selectHistory, toHistoryEntry } from './history.js';

const STATUSES: readonly CandidateStatus[] = ['listed', 'invited', 'registered', 'published'];

/**
 * The candidates of a race, each with how many statements they answered
 * (published answers), in a fixed order (by id) that callers shuffle: a seeded
 * order must not depend on where the database happens to keep the rows.
 */
export async function listRaceCandidates(db: Db, raceId: number): Promise<Array<Candidate & { answered: number }>> {
  const rows = await db
    .selectFrom('candidates')
    .selectAll('candidates')
    .select((eb) =>
      eb
        .selectFrom('answers')
        .select(eb.fn.countAll<number | string>().as('n'))
        .whereRef('answers.candidate_id', '=', 'candidates.id')
        .where('answers.value', 'is not', null)
        .as('answered'),
    )
    .where('race_id', '=', raceId)
    .orderBy('candidates.id')
    .execute();
  return rows.map((row) => ({
    ...toCandidate(row),
    answered: row.status === 'published' ? Number(row.answered ?? 0) : 0,
  }));
}

/** Every candidate of a race, in a fixed order (by id) that callers shuffle or rank. */
export async function findRaceCandidates(db: Db, raceId: number): Promise<Candidate[]> {
  const rows = await db.selectFrom('candidates').selectAll().where('race_id', '=', raceId).orderBy('id').execute();
  return rows.map(toCandidate);
}

/** Candidates of an election by public ids; unknown ids are left out. */
export async function findCandidatesByKeys(db: Db, electionId: number, keys: readonly string[]): Promise<Candidate[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('candidates')
    .selectAll()
    .where('election_id', '=', electionId)
    .where('key', 'in', keys)
    .execute();
  return rows.map(toCandidate);
}

/**
 * A page of an election's candidates as organizers list them, by name,
 * narrowed to a race, a status, or a search (in names, or the exact public
 * or official id); with how many there are in all, and whether each has an
 * e-mail on file.
 */
export async function listElectionCandidates(
  db: Db,
  input: { electionId: number; raceId?: number | undefined; status?: CandidateStatus | undefined; q?: string | undefined; offset: number; limit: number },
): Promise<{ total: number; candidates: Array<Candidate & { hasEmail: boolean }> }> {
  let query = db.selectFrom('candidates').where('election_id', '=', input.electionId);
  if (input.raceId !== undefined) query = query.where('race_id', '=', input.raceId);
  if (input.status) query = query.where('status', '=', input.status);
  const { q } = input;
  if (q) {
    const like = `%${q.toLowerCase()}%`;
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['name']), 'like', like), eb(eb.fn('lower', ['ballot_name']), 'like', like), eb('key', '=', q), eb('official_id', '=', q)]));
  }
  const total = Number((await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await query.selectAll().orderBy('name').orderBy('id').offset(input.offset).limit(input.limit).execute();
  return { total, candidates: rows.map((row) => ({ ...toCandidate(row), hasEmail: row.email !== null })) };
}

/** Marks a candidate verified by the organizers, or not. */
export async function setCandidateVerified(db: Db, input: { id: number; verified: boolean; now: string }): Promise<void> {
  await db.updateTable('candidates').set({ verified: input.verified ? 1 : 0, updated_at: input.now }).where('id', '=', input.id).execute();
}

/** A candidate by row id, with the slug of their election, or null. */
export async function findCandidateById(db: Db, id: number): Promise<{ candidate: Candidate; electionSlug: string } | null> {
  const row = await db
    .selectFrom('candidates')
    .innerJoin('elections', 'elections.id', 'candidates.election_id')
    .selectAll('candidates')
    .select('elections.slug as election_slug')
    .where('candidates.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const { election_slug: electionSlug, ...candidate } = row;
  return { candidate: toCandidate(candidate), electionSlug };
}

/** A candidate of an election by public id, or null. */
export async function findCandidate(db: Db, electionId: number, key: string): Promise<Candidate | null> {
  const row = await db
    .selectFrom('candidates')
    .selectAll()
    .where('election_id', '=', electionId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? toCandidate(row) : null;
}

/** A candidate's published answers; none unless the candidate is published. */
export async function listPublishedAnswers(db: Db, candidate: Candidate): Promise<Answer[]> {
  if (candidate.status !== 'published') return [];
  const rows = await db
    .selectFrom('answers')
    .select(['statement_id', 'value', 'justification', 'hidden_reason'])
    .where('candidate_id', '=', candidate.id)
    .execute();
  return rows.map(toPublicAnswer);
}

/** The elected candidates of an election, in the election's order. */
export async function findElectedCandidates(db: Db, electionId: number): Promise<Candidate[]> {
  const rows = await db
    .selectFrom('candidates')
    .selectAll()
    .where('election_id', '=', electionId)
    .where('elected', '=', 1)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map(toCandidate);
}

/** How many candidates of an election are marked elected. */
export async function countElectedCandidates(db: Db, electionId: number): Promise<number> {
  const row = await db
    .selectFrom('candidates')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('election_id', '=', electionId)
    .where('elected', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The published answers of several candidates to some statements; candidates who have not published have none. */
export async function listPublishedAnswersOf(
  db: Db,
  input: { candidateIds: readonly number[]; statementIds: readonly number[] },
): Promise<Array<Answer & { candidateId: number }>> {
  if (input.candidateIds.length === 0 || input.statementIds.length === 0) return [];
  const rows = await db
    .selectFrom('answers')
    .innerJoin('candidates', 'candidates.id', 'answers.candidate_id')
    .select(['answers.candidate_id', 'answers.statement_id', 'answers.value', 'answers.justification', 'answers.hidden_reason'])
    .where('candidates.status', '=', 'published')
    .where('answers.candidate_id', 'in', input.candidateIds)
    .where('answers.statement_id', 'in', input.statementIds)
    .execute();
  return rows.map((r) => ({ candidateId: r.candidate_id, ...toPublicAnswer(r) }));
}

/** A candidate's public change history, newest first. */
export async function listCandidateHistory(db: Db, candidateId: number): Promise<HistoryEntry[]> {
  const rows = await selectHistory(db).where('answer_history.candidate_id', '=', candidateId).orderBy('answer_history.seq', 'desc').execute();
  return rows.map(toHistoryEntry);
}

/** A published answer as the public sees it: a hidden justification gives way to the organizers' reason. */
function toPublicAnswer(r: { statement_id: number; value: number | null; justification: string | null; hidden_reason: string | null }): Answer {
  return {
    statementId: r.statement_id,
    value: r.value,
    justification: r.hidden_reason === null ? r.justification : null,
    hiddenReason: r.hidden_reason,
  };
}

function toCandidate(row: CandidateRow): Candidate {
  if (!STATUSES.includes(row.status)) throw new Error(`candidate ${row.id} has unknown status ${row.status}`);
  return {
    id: row.id,
    key: row.key,
    officialId: row.official_id,
    name: row.name,
    ballotName: row.ballot_name ?? row.name,
    ballotNumber: row.ballot_number,
    partyId: row.party_id,
    raceId: row.race_id,
    status: row.status,
    verified: row.verified !== 0,
    elected: row.elected !== 0,
    profile: {
      gender: row.gender,
      raceColor: row.race_color,
      genderSource: source(row.gender_source),
      raceColorSource: source(row.race_color_source),
      lgbt: flag.read(row.lgbt),
      collective: flag.read(row.collective),
      bio: row.bio,
      links: readLinks(row.links),
      photoUrl: row.photo_url,
    },
    publishedAt: row.published_at,
  };
}

function source(value: string | null): 'self' | 'court' | null {
  return value === 'self' || value === 'court' ? value : null;
}

/** The self-declared values present among an election's candidates, for filter menus. */
export async function distinctProfileValues(db: Db, electionId: number): Promise<{ genders: string[]; raceColors: string[] }> {
  const genders = await db.selectFrom('candidates').select('gender').distinct().where('election_id', '=', electionId).where('gender', 'is not', null).orderBy('gender').execute();
  const raceColors = await db.selectFrom('candidates').select('race_color').distinct().where('election_id', '=', electionId).where('race_color', 'is not', null).orderBy('race_color').execute();
  return { genders: genders.map((g) => g.gender!), raceColors: raceColors.map((r) => r.race_color!) };
}
