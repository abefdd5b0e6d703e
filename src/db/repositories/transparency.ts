import { sql } from 'kysely';
import type { HistoryEntry } from '../../domain/election.js';
import type { Db } from '../client.js';
import { selectHistory, toHistoryEntry } from './history.js';

/* Aggregates and lists for the transparency, statement and data pages. */

export type Dimension = 'race' | 'party' | 'gender' | 'race_color';

/** Candidates counted by a dimension and status: `key` is the race or party id, or the self-declared value. */
export async function countByDimension(
  db: Db,
  electionId: number,
  dimension: Dimension,
): Promise<Array<{ key: string | null; status: string; count: number }>> {
  const column = { race: 'race_id', party: 'party_id', gender: 'gender', race_color: 'race_color' }[dimension] as
    | 'race_id'
    | 'party_id'
    | 'gender'
    | 'race_color';
  const rows = await db
    .selectFrom('candidates')
    .select([sql<string | number | null>`${sql.ref(column)}`.as('key'), 'status', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('election_id', '=', electionId)
    .groupBy([column, 'status'])
    .execute();
  return rows.map((r) => ({ key: r.key === null ? null : String(r.key), status: r.status, count: Number(r.count) }));
}

/** Candidates who have not published, by race then name, a page at a time. */
export async function listNotPublished(
  db: Db,
  input: { electionId: number; offset: number; limit: number },
): Promise<{ total: number; rows: Array<{ key: string; name: string; ballotName: string; raceId: number; partyId: number | null; status: string }> }> {
  const base = db.selectFrom('candidates').where('election_id', '=', input.electionId).where('status', '!=', 'published');
  const total = Number((await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await base
    .select(['key', 'name', 'ballot_name', 'race_id', 'party_id', 'status'])
    .orderBy('race_id')
    .orderBy('name')
    .orderBy('id')
    .offset(input.offset)
    .limit(input.limit)
    .execute();
  return {
    total,
    rows: rows.map((r) => ({ key: r.key, name: r.name, ballotName: r.ballot_name ?? r.name, raceId: r.race_id, partyId: r.party_id, status: r.status })),
  };
}

/** A change of the election's public log: the entry, and whose answer to what. */
export interface ChangeLogRow extends HistoryEntry {
  candidateKey: string;
  candidateName: string;
  statementKey: string;
}

/** The election's public change log, newest first, a page at a time. */
export async function listChanges(db: Db, input: { electionId: number; offset: number; limit: number }): Promise<{ total: number; rows: ChangeLogRow[] }> {
  const total = Number(
    (await db.selectFrom('answer_history').select((eb) => eb.fn.countAll<number | string>().as('n')).where('election_id', '=', input.electionId).executeTakeFirstOrThrow()).n,
  );
  const rows = await selectHistory(db)
    .where('answer_history.election_id', '=', input.electionId)
    .orderBy('answer_history.seq', 'desc')
    .offset(input.offset)
    .limit(input.limit)
    .execute();
  return {
    total,
    rows: rows.map((r) => ({ ...toHistoryEntry(r), candidateKey: r.candidate_key, candidateName: r.ballot_name ?? r.name, statementKey: r.statement_key })),
  };
}

/** Published answers to one statement, by candidate, for the candidates of a race and/or party. */
export async function listStatementAnswers(
  db: Db,
  input: { electionId: number; statementId: number; raceId?: number | undefined; partyId?: number | undefined },
) {
  let query = db
    .selectFrom('candidates')
    .leftJoin('answers', (join) =>
      join.onRef('answers.candidate_id', '=', 'candidates.id').on('answers.statement_id', '=', input.statementId),
    )
    .select([
      'candidates.id',
      'candidates.key',
      'candidates.name',
      'candidates.ballot_name',
      'candidates.ballot_number',
      'candidates.party_id',
      'candidates.race_id',
      'candidates.status',
      'candidates.gender',
      'candidates.race_color',
      'candidates.lgbt',
      'candidates.collective',
      'answers.value',
      'answers.justification',
      'answers.hidden_reason',
      'answers.id as answerId',
    ])
    .where('candidates.election_id', '=', input.electionId);
  if (input.raceId !== undefined) query = query.where('candidates.race_id', '=', input.raceId);
  if (input.partyId !== undefined) query = query.where('candidates.party_id', '=', input.partyId);
  const rows = await query.orderBy('candidates.id').execute();
  return rows.map((r) => {
    const published = r.status === 'published' && r.answerId !== null;
    return {
      id: r.id,
      key: r.key,
      name: r.name,
      ballotName: r.ballot_name ?? r.name,
      ballotNumber: r.ballot_number,
      partyId: r.party_id,
      raceId: r.race_id,
      candidatePublished: r.status === 'published',
      gender: r.gender,
      raceColor: r.race_color,
      lgbt: r.lgbt === null ? null : r.lgbt !== 0,
      collective: r.collective === null ? null : r.collective !== 0,
      answered: published,
      value: published ? r.value : null,
      justification: published && r.hidden_reason === null ? r.justification : null,
      hiddenReason: published ? r.hidden_reason : null,
    };
  });
}

/**
 * The public moderation log: every hidden or restored justification with its
 * reason, and every redaction (words removed for good), newest first.
 */
export async function listModeration(db: Db, electionId: number, limit = 200) {
  const rows = await db
    .selectFrom('moderation_log')
    .innerJoin('candidates', 'candidates.id', 'moderation_log.candidate_id')
    .innerJoin('statements', 'statements.id', 'moderation_log.statement_id')
    .select(['moderation_log.action', 'moderation_log.reason', 'moderation_log.created_at', 'candidates.key as candidateKey', 'candidates.ballot_name', 'candidates.name', 'statements.key as statementKey'])
    .where('moderation_log.election_id', '=', electionId)
    .orderBy('moderation_log.id', 'desc')
    .limit(limit)
    .execute();
  const redactions = await db
    .selectFrom('justification_texts')
    .innerJoin('candidates', 'candidates.id', 'justification_texts.candidate_id')
    .innerJoin('statements', 'statements.id', 'justification_texts.statement_id')
    .select(['justification_texts.redacted_reason', 'justification_texts.redacted_at', 'candidates.key as candidateKey', 'candidates.ballot_name', 'candidates.name', 'statements.key as statementKey'])
    .where('justification_texts.election_id', '=', electionId)
    .where('justification_texts.redacted_at', 'is not', null)
    .orderBy('justification_texts.redacted_at', 'desc')
    .limit(limit)
    .execute();
  const entries = [
    ...rows.map((r) => ({ action: r.action as 'hide' | 'restore' | 'redact', reason: r.reason, at: r.created_at, candidateKey: r.candidateKey, candidateName: r.ballot_name ?? r.name, statementKey: r.statementKey })),
    ...redactions.map((r) => ({ action: 'redact' as const, reason: r.redacted_reason ?? '', at: r.redacted_at!, candidateKey: r.candidateKey, candidateName: r.ballot_name ?? r.name, statementKey: r.statementKey })),
  ];
  // Stable: entries of the same moment keep the order they were read in.
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}
