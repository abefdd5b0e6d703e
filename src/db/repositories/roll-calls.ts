import type { LinkDirection, RollCall, RollCallLink, RollCallVote } from '../../domain/coherence.js';
import type { Db } from '../client.js';

/*
 * Roll calls, how candidates voted in them, and the organizers' links from
 * statements to roll calls (SPEC §5.8, §6.4). Functions take `db` first so a
 * service can pass its transaction.
 */

/** Every roll call of an election, newest first, with how many votes of each kind it holds. */
export async function listRollCalls(
  db: Db,
  electionId: number,
): Promise<Array<RollCall & { votes: Record<RollCallVote, number> }>> {
  const rows = await db.selectFrom('roll_calls').selectAll().where('election_id', '=', electionId).orderBy('date', 'desc').orderBy('key').execute();
  const counts = await db
    .selectFrom('roll_call_votes')
    .innerJoin('roll_calls', 'roll_calls.id', 'roll_call_votes.roll_call_id')
    .select(['roll_call_votes.roll_call_id', 'roll_call_votes.vote', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('roll_calls.election_id', '=', electionId)
    .groupBy(['roll_call_votes.roll_call_id', 'roll_call_votes.vote'])
    .execute();
  const byRollCall = new Map<number, Record<RollCallVote, number>>();
  for (const count of counts) {
    const record = byRollCall.get(count.roll_call_id) ?? { yes: 0, no: 0, abstain: 0, absent: 0 };
    record[count.vote] = Number(count.n);
    byRollCall.set(count.roll_call_id, record);
  }
  return rows.map((row) => ({ ...toRollCall(row), votes: byRollCall.get(row.id) ?? { yes: 0, no: 0, abstain: 0, absent: 0 } }));
}

/** Roll calls of an election by public id (vote_id); unknown ids are left out. */
export async function findRollCallsByKeys(db: Db, electionId: number, keys: readonly string[]): Promise<RollCall[]> {
  if (keys.length === 0) return [];
  const rows = await db.selectFrom('roll_calls').selectAll().where('election_id', '=', electionId).where('key', 'in', keys).execute();
  return rows.map(toRollCall);
}

/** Creates or updates a roll call by its public id; returns its id and whether it was new. */
export async function saveRollCall(
  db: Db,
  input: { electionId: number; rollCall: Omit<RollCall, 'id'>; now: string },
): Promise<{ id: number; created: boolean }> {
  const { rollCall } = input;
  const fields = { date: rollCall.date, chamber: rollCall.chamber, bill: rollCall.bill, title: rollCall.title };
  const existing = await db
    .selectFrom('roll_calls')
    .select('id')
    .where('election_id', '=', input.electionId)
    .where('key', '=', rollCall.key)
    .executeTakeFirst();
  if (existing) {
    await db.updateTable('roll_calls').set({ ...fields, updated_at: input.now }).where('id', '=', existing.id).execute();
    return { id: existing.id, created: false };
  }
  const inserted = await db
    .insertInto('roll_calls')
    .values({ election_id: input.electionId, key: rollCall.key, ...fields, created_at: input.now, updated_at: input.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: inserted.id, created: true };
}

/** Rows per insert: four values each, well under the parameter limits of both engines. */
const INSERT_BATCH = 400;

/** Makes a roll call's votes exactly these. */
export async function replaceRollCallVotes(
  db: Db,
  input: { rollCallId: number; votes: ReadonlyArray<{ candidateId: number; vote: RollCallVote }> },
): Promise<void> {
  await db.deleteFrom('roll_call_votes').where('roll_call_id', '=', input.rollCallId).execute();
  for (let start = 0; start < input.votes.length; start += INSERT_BATCH) {
    await db
      .insertInto('roll_call_votes')
      .values(input.votes.slice(start, start + INSERT_BATCH).map((v) => ({ roll_call_id: input.rollCallId, candidate_id: v.candidateId, vote: v.vote })))
      .execute();
  }
}

/** Removes a roll call with its votes and links. */
export async function deleteRollCall(db: Db, rollCallId: number): Promise<void> {
  await db.deleteFrom('roll_calls').where('id', '=', rollCallId).execute();
}

/** Every link of an election, in questionnaire order of the statements, then by roll-call date. */
export async function listLinks(db: Db, electionId: number): Promise<RollCallLink[]> {
  const rows = await db
    .selectFrom('roll_call_links')
    .innerJoin('roll_calls', 'roll_calls.id', 'roll_call_links.roll_call_id')
    .innerJoin('statements', 'statements.id', 'roll_call_links.statement_id')
    .innerJoin('topics', 'topics.id', 'statements.topic_id')
    .select(['roll_call_links.statement_id', 'roll_call_links.roll_call_id', 'roll_call_links.direction', 'roll_call_links.explanation'])
    .where('roll_calls.election_id', '=', electionId)
    .orderBy('topics.position')
    .orderBy('statements.position')
    .orderBy('roll_calls.date')
    .orderBy('roll_calls.key')
    .execute();
  return rows.map((row) => ({
    statementId: row.statement_id,
    rollCallId: row.roll_call_id,
    direction: toDirection(row.direction),
    explanation: row.explanation,
  }));
}

/** One link, or null. */
export async function findLink(db: Db, input: { statementId: number; rollCallId: number }): Promise<RollCallLink | null> {
  const row = await db
    .selectFrom('roll_call_links')
    .selectAll()
    .where('statement_id', '=', input.statementId)
    .where('roll_call_id', '=', input.rollCallId)
    .executeTakeFirst();
  return row ? { statementId: row.statement_id, rollCallId: row.roll_call_id, direction: toDirection(row.direction), explanation: row.explanation } : null;
}

/**
 * Creates or updates the link of a statement and a roll call. An explanation
 * of null keeps the one the link has (a new link starts with none).
 */
export async function saveLink(
  db: Db,
  input: { statementId: number; rollCallId: number; direction: LinkDirection; explanation: string | null; now: string },
): Promise<{ created: boolean }> {
  const existing = await findLink(db, input);
  if (existing) {
    await db
      .updateTable('roll_call_links')
      .set({ direction: input.direction, explanation: input.explanation ?? existing.explanation, updated_at: input.now })
      .where('statement_id', '=', input.statementId)
      .where('roll_call_id', '=', input.rollCallId)
      .execute();
    return { created: false };
  }
  await db
    .insertInto('roll_call_links')
    .values({
      statement_id: input.statementId,
      roll_call_id: input.rollCallId,
      direction: input.direction,
      explanation: input.explanation ?? '',
      created_at: input.now,
      updated_at: input.now,
    })
    .execute();
  return { created: true };
}

/** Removes a link; false when there was none. */
export async function deleteLink(db: Db, input: { statementId: number; rollCallId: number }): Promise<boolean> {
  const result = await db
    .deleteFrom('roll_call_links')
    .where('statement_id', '=', input.statementId)
    .where('roll_call_id', '=', input.rollCallId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** How the given candidates voted in the given roll calls. */
export async function listVotes(
  db: Db,
  input: { rollCallIds: readonly number[]; candidateIds: readonly number[] },
): Promise<Array<{ rollCallId: number; candidateId: number; vote: RollCallVote }>> {
  if (input.rollCallIds.length === 0 || input.candidateIds.length === 0) return [];
  const rows = await db
    .selectFrom('roll_call_votes')
    .select(['roll_call_id', 'candidate_id', 'vote'])
    .where('roll_call_id', 'in', input.rollCallIds)
    .where('candidate_id', 'in', input.candidateIds)
    .execute();
  return rows.map((row) => ({ rollCallId: row.roll_call_id, candidateId: row.candidate_id, vote: row.vote }));
}

/** Candidates of an election by official id; one official id may name several candidates. */
export async function candidateIdsByOfficialId(db: Db, electionId: number): Promise<Map<string, number[]>> {
  const rows = await db
    .selectFrom('candidates')
    .select(['id', 'official_id'])
    .where('election_id', '=', electionId)
    .where('official_id', 'is not', null)
    .execute();
  const ids = new Map<string, number[]>();
  for (const row of rows) ids.set(row.official_id!, [...(ids.get(row.official_id!) ?? []), row.id]);
  return ids;
}

function toRollCall(row: { id: number; key: string; date: string; chamber: string; bill: string; title: string }): RollCall {
  return { id: row.id, key: row.key, date: row.date, chamber: row.chamber, bill: row.bill, title: row.title };
}

function toDirection(value: number): LinkDirection {
  if (value !== 1 && value !== -1) throw new Error(`link direction ${value} is not 1 or -1`);
  return value;
}
