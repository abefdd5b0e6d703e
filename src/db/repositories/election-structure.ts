import type { LocalizedText } from '../../domain/locale.js';
import type { Db } from '../client.js';

/* An election's topics, statements, races and parties, as organizers edit them; each new one goes last. */

/** Statements that a candidate has answered (drafted or published): their meaning is frozen. */
export async function findAnsweredStatementIds(db: Db, electionId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('statements')
    .select('statements.id')
    .where('statements.election_id', '=', electionId)
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('answers').select('answers.id').whereRef('answers.statement_id', '=', 'statements.id')),
        eb.exists(eb.selectFrom('answer_drafts').select('answer_drafts.id').whereRef('answer_drafts.statement_id', '=', 'statements.id')),
      ]),
    )
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** A new topic, last in the questionnaire. */
export async function insertTopic(db: Db, topic: { electionId: number; slug: string; name: LocalizedText | null }): Promise<void> {
  await db.insertInto('topics').values({ election_id: topic.electionId, slug: topic.slug, name: JSON.stringify(topic.name), position: await nextPosition(db, 'topics', topic.electionId) }).execute();
}

export async function renameTopic(db: Db, topic: { id: number; name: LocalizedText | null }): Promise<void> {
  await db.updateTable('topics').set({ name: JSON.stringify(topic.name) }).where('id', '=', topic.id).execute();
}

/** A new statement, last in the questionnaire; `scale` null for the election's. */
export async function insertStatement(
  db: Db,
  statement: { electionId: number; topicId: number; key: string; text: LocalizedText | null; context: LocalizedText | null; scale: number | null },
): Promise<void> {
  await db
    .insertInto('statements')
    .values({
      election_id: statement.electionId,
      topic_id: statement.topicId,
      key: statement.key,
      text: JSON.stringify(statement.text),
      context: statement.context === null ? null : JSON.stringify(statement.context),
      scale: statement.scale,
      position: await nextPosition(db, 'statements', statement.electionId),
    })
    .execute();
}

export async function updateStatement(
  db: Db,
  statement: { id: number; topicId: number; text: LocalizedText | null; context: LocalizedText | null; scale: number | null },
): Promise<void> {
  await db
    .updateTable('statements')
    .set({ topic_id: statement.topicId, text: JSON.stringify(statement.text), context: statement.context === null ? null : JSON.stringify(statement.context), scale: statement.scale })
    .where('id', '=', statement.id)
    .execute();
}

/** Swaps a statement with its neighbour in its topic, so the questionnaire order changes by one step. */
export async function swapStatementWithNeighbour(trx: Db, input: { electionId: number; key: string; direction: 'up' | 'down' }): Promise<boolean> {
  const statement = await trx.selectFrom('statements').select(['id', 'topic_id', 'position']).where('election_id', '=', input.electionId).where('key', '=', input.key).executeTakeFirst();
  if (!statement) return false;
  let query = trx.selectFrom('statements').select(['id', 'position']).where('topic_id', '=', statement.topic_id);
  query =
    input.direction === 'up'
      ? query.where('position', '<', statement.position).orderBy('position', 'desc')
      : query.where('position', '>', statement.position).orderBy('position', 'asc');
  const neighbour = await query.limit(1).executeTakeFirst();
  if (!neighbour) return false;
  await trx.updateTable('statements').set({ position: neighbour.position }).where('id', '=', statement.id).execute();
  await trx.updateTable('statements').set({ position: statement.position }).where('id', '=', neighbour.id).execute();
  return true;
}

/** A new race, last; not from the court's roster. */
export async function insertRace(db: Db, race: { electionId: number; slug: string; office: LocalizedText | null; district: LocalizedText | null }): Promise<void> {
  await db
    .insertInto('races')
    .values({ election_id: race.electionId, slug: race.slug, office: JSON.stringify(race.office), district: JSON.stringify(race.district), position: await nextPosition(db, 'races', race.electionId), source_key: null })
    .execute();
}

export async function updateRace(db: Db, race: { id: number; office: LocalizedText | null; district: LocalizedText | null }): Promise<void> {
  await db.updateTable('races').set({ office: JSON.stringify(race.office), district: JSON.stringify(race.district) }).where('id', '=', race.id).execute();
}

export interface PartyFields {
  abbreviation: string;
  name: string;
  number: number | null;
}

/** A new party, last. */
export async function insertParty(db: Db, party: PartyFields & { electionId: number; slug: string }): Promise<void> {
  const { electionId, slug, ...fields } = party;
  await db.insertInto('parties').values({ election_id: electionId, slug, ...fields, position: await nextPosition(db, 'parties', electionId) }).execute();
}

export async function updateParty(db: Db, party: PartyFields & { id: number }): Promise<void> {
  const { id, ...fields } = party;
  await db.updateTable('parties').set(fields).where('id', '=', id).execute();
}

/** The next free position in one of an election's ordered tables. */
async function nextPosition(trx: Db, table: 'topics' | 'statements' | 'races' | 'parties' | 'candidates', electionId: number): Promise<number> {
  const row = await trx.selectFrom(table).select((eb) => eb.fn.max('position').as('max')).where('election_id', '=', electionId).executeTakeFirst();
  const max = row?.max;
  return max === null || max === undefined ? 0 : Number(max) + 1;
}
