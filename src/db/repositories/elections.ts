import type { Election, ElectionDetail, ElectionQuestionnaire } from '../../domain/election.js';
import type { LocalizedText } from '../../domain/locale.js';
import type { Db } from '../client.js';
import { readLocalized, readOptionalLocalized } from '../json-columns.js';
import type { ElectionRow } from '../schema.js';

/** Every election, newest election day first. */
export async function listElections(db: Db): Promise<Election[]> {
  const rows = await db.selectFrom('elections').selectAll().orderBy('date', 'desc').orderBy('slug').execute();
  return rows.map(toElection);
}

/** An election's id by slug, or null. */
export async function findElectionId(db: Db, slug: string): Promise<number | null> {
  const row = await db.selectFrom('elections').select('id').where('slug', '=', slug).executeTakeFirst();
  return row?.id ?? null;
}

/** The slug of an election that exists, by id. */
export async function findElectionSlug(db: Db, electionId: number): Promise<string> {
  return (await db.selectFrom('elections').select('slug').where('id', '=', electionId).executeTakeFirstOrThrow()).slug;
}

/** An election with its topics and statements (questionnaire order), or null. */
export async function findElectionQuestionnaire(db: Db, slug: string): Promise<ElectionQuestionnaire | null> {
  const row = await db.selectFrom('elections').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!row) return null;
  const election = toElection(row);
  const [topics, statements] = await Promise.all([
    db.selectFrom('topics').selectAll().where('election_id', '=', row.id).orderBy('position').execute(),
    db
      .selectFrom('statements')
      .innerJoin('topics', 'topics.id', 'statements.topic_id')
      .selectAll('statements')
      .where('statements.election_id', '=', row.id)
      // Questionnaire order: by topic, then by statement (SPEC §5.6).
      .orderBy('topics.position')
      .orderBy('statements.position')
      .execute(),
  ]);
  return {
    ...election,
    topics: topics.map((t) => ({ id: t.id, slug: t.slug, name: readLocalized(t.name) })),
    statements: statements.map((s) => ({
      id: s.id,
      key: s.key,
      topicId: s.topic_id,
      text: readLocalized(s.text),
      context: readOptionalLocalized(s.context),
      scale: s.scale ?? election.scale,
    })),
  };
}

/** An election with its topics, statements, races and parties, or null. */
export async function findElectionDetail(db: Db, slug: string): Promise<ElectionDetail | null> {
  const questionnaire = await findElectionQuestionnaire(db, slug);
  if (!questionnaire) return null;
  const [races, parties] = await Promise.all([
    db.selectFrom('races').selectAll().where('election_id', '=', questionnaire.id).orderBy('position').execute(),
    db.selectFrom('parties').selectAll().where('election_id', '=', questionnaire.id).orderBy('position').execute(),
  ]);
  return {
    ...questionnaire,
    races: races.map((r) => ({
      id: r.id,
      slug: r.slug,
      office: readLocalized(r.office),
      district: readLocalized(r.district),
    })),
    parties: parties.map((p) => ({
      id: p.id,
      slug: p.slug,
      abbreviation: p.abbreviation,
      name: p.name,
      number: p.number,
    })),
  };
}

/** What organizers set on an election beyond what voters see. */
export interface ElectionSettings {
  /** Whether the campaign is on (after it, the elected are followed). */
  campaignPeriod: boolean;
  /** `random`, or `underrepresented` first, in volunteers' queues. */
  volunteerPriority: string;
}

export async function findElectionSettings(db: Db, electionId: number): Promise<ElectionSettings> {
  const row = await db.selectFrom('elections').select(['campaign_period', 'volunteer_priority']).where('id', '=', electionId).executeTakeFirstOrThrow();
  return { campaignPeriod: row.campaign_period !== 0, volunteerPriority: row.volunteer_priority };
}

/** A new election, in its campaign period. */
export async function insertElection(
  db: Db,
  election: { slug: string; name: LocalizedText; date: string; country: string; scale: number; minAnswers: number; questionnaireOpen: boolean; now: string },
): Promise<void> {
  await db
    .insertInto('elections')
    .values({
      slug: election.slug,
      name: JSON.stringify(election.name),
      date: election.date,
      country: election.country,
      scale: election.scale,
      min_answers: election.minAnswers,
      questionnaire_open: election.questionnaireOpen ? 1 : 0,
      campaign_period: 1,
      created_at: election.now,
      updated_at: election.now,
    })
    .execute();
}

/** Changes an election's name, date and settings; the volunteer priority only when given. */
export async function updateElection(
  db: Db,
  election: { id: number; name: LocalizedText | null; date: string; minAnswers: number; questionnaireOpen: boolean; campaignPeriod: boolean; volunteerPriority?: string | undefined; now: string },
): Promise<void> {
  await db
    .updateTable('elections')
    .set({
      name: JSON.stringify(election.name),
      date: election.date,
      min_answers: election.minAnswers,
      questionnaire_open: election.questionnaireOpen ? 1 : 0,
      campaign_period: election.campaignPeriod ? 1 : 0,
      ...(election.volunteerPriority ? { volunteer_priority: election.volunteerPriority } : {}),
      updated_at: election.now,
    })
    .where('id', '=', election.id)
    .execute();
}

/** Candidates per race and status, for response rates. */
export async function countCandidatesByRaceAndStatus(
  db: Db,
  electionId: number,
): Promise<Array<{ raceId: number; status: string; count: number }>> {
  const rows = await db
    .selectFrom('candidates')
    .select(['race_id', 'status', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('election_id', '=', electionId)
    .groupBy(['race_id', 'status'])
    .execute();
  return rows.map((r) => ({ raceId: r.race_id, status: r.status, count: Number(r.count) }));
}

function toElection(row: ElectionRow): Election {
  return {
    id: row.id,
    slug: row.slug,
    name: readLocalized(row.name),
    date: row.date,
    country: row.country,
    scale: row.scale,
    minAnswers: row.min_answers,
    questionnaireOpen: row.questionnaire_open !== 0,
  };
}

/** The election's id and data version, or null: the cheap check a cache makes per request. */
export async function findElectionVersion(db: Db, slug: string): Promise<{ id: number; version: number; answersVersion: number } | null> {
  const row = await db
    .selectFrom('elections')
    .select(['id', 'data_version', 'answers_version'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row ? { id: row.id, version: row.data_version, answersVersion: row.answers_version } : null;
}

/** The race's answers version, or null when there is no such race: the per-request check of a cached race. */
export async function findRaceVersion(db: Db, raceId: number): Promise<number | null> {
  const row = await db.selectFrom('races').select('answers_version').where('id', '=', raceId).executeTakeFirst();
  return row?.answers_version ?? null;
}

/** Marks a change to what one race's candidates publish; call in the transaction that makes it. */
export async function bumpRaceVersion(db: Db, raceId: number): Promise<void> {
  await db
    .updateTable('races')
    .set((eb) => ({ answers_version: eb('answers_version', '+', 1) }))
    .where('id', '=', raceId)
    .execute();
  // What covers the whole election (rates, distributions, open data) moves with any of its races.
  await db
    .updateTable('elections')
    .set((eb) => ({ answers_version: eb('answers_version', '+', 1) }))
    .where('id', '=', (eb) => eb.selectFrom('races').select('races.election_id').where('races.id', '=', raceId))
    .execute();
}

/** Marks a change to what voters of every race are matched against; call in the transaction that makes it. */
export async function bumpDataVersion(db: Db, electionId: number): Promise<void> {
  await db
    .updateTable('elections')
    .set((eb) => ({ data_version: eb('data_version', '+', 1) }))
    .where('id', '=', electionId)
    .execute();
}
