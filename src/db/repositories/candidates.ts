import type { Answer, Candidate, CandidateStatus, HistoryEntry } from '../../domain/election.js';
import type { Db } from '../client.js';
import { flag, readLinks } from '../json-columns.js';
import type { CandidateRow } from '../schema.js';

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
  return rows.map((r) => ({
    statementId: r.statement_id,
    value: r.value,
    justification: r.hidden_reason === null ? r.justification : null,
    hiddenReason: r.hidden_reason,
  }));
}

/** A candidate's public change history, newest first. */
export async function listCandidateHistory(db: Db, candidateId: number): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('answer_history')
    .selectAll()
    .where('candidate_id', '=', candidateId)
    .orderBy('seq', 'desc')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    statementId: r.statement_id,
    oldValue: r.old_value,
    newValue: r.new_value,
    oldJustification: r.old_justification,
    newJustification: r.new_justification,
    changedAt: r.changed_at,
    hash: r.hash,
    actor: r.actor,
  }));
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
      lgbt: flag.read(row.lgbt),
      collective: flag.read(row.collective),
      bio: row.bio,
      links: readLinks(row.links),
      photoUrl: row.photo_url,
    },
    publishedAt: row.published_at,
  };
}
