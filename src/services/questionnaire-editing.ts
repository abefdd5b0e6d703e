import type { Db } from '../db/client.js';
import {
  findAnsweredStatementIds,
  insertParty,
  insertRace,
  insertStatement,
  insertTopic,
  renameTopic as renameTopicRow,
  swapStatementWithNeighbour,
  updateParty,
  updateRace,
  updateStatement as updateStatementRow,
  type PartyFields,
} from '../db/repositories/election-structure.js';
import type { ElectionDetail, Party, Race, Statement, Topic } from '../domain/election.js';
import type { LocalizedText } from '../domain/locale.js';
import { change, type Actor, type AdminDeps } from './admin.js';

/*
 * An election's questionnaire (topics and statements) and its races and
 * parties, as organizers edit them. Every change is in the audit log and
 * makes voters be matched afresh. A problem with the change comes back for
 * the form to show; nothing is written then.
 */

export type EditProblem = 'no_slug' | 'slug_taken' | 'no_statement_id' | 'no_topic' | 'locked';
export type EditOutcome = { ok: true } | { ok: false; problem: EditProblem };

const done = { ok: true } as const;
const refused = (problem: EditProblem) => ({ ok: false, problem }) as const;

/** Statements that a candidate has answered (drafted or published): their meaning is frozen. */
export async function answeredStatementIds(db: Db, electionId: number): Promise<Set<number>> {
  return findAnsweredStatementIds(db, electionId);
}

/** A new topic, last in the questionnaire; its slug must be new in the election. */
export async function createTopic(deps: AdminDeps, input: { election: ElectionDetail; slug: string | undefined; name: LocalizedText | null; actor: Actor }): Promise<EditOutcome> {
  const { election, slug } = input;
  if (!slug) return refused('no_slug');
  if (election.topics.some((tp) => tp.slug === slug)) return refused('slug_taken');
  await change(deps, { electionId: election.id, actor: input.actor, action: 'create-topic', details: { slug }, matching: true }, (trx) =>
    insertTopic(trx, { electionId: election.id, slug, name: input.name }),
  );
  return done;
}

export async function renameTopic(deps: AdminDeps, input: { electionId: number; topic: Topic; name: LocalizedText | null; actor: Actor }): Promise<void> {
  await change(deps, { electionId: input.electionId, actor: input.actor, action: 'update-topic', details: { slug: input.topic.slug }, matching: true }, (trx) =>
    renameTopicRow(trx, { id: input.topic.id, name: input.name }),
  );
}

/** A new statement, last in the questionnaire: an id new in the election, in one of its topics; `scale` null for the election's. */
export async function createStatement(
  deps: AdminDeps,
  input: { election: ElectionDetail; key: string | undefined; topic: string; text: LocalizedText | null; context: LocalizedText | null; scale: number | null; actor: Actor },
): Promise<EditOutcome> {
  const { election, key } = input;
  const topic = election.topics.find((tp) => tp.slug === input.topic);
  if (!key) return refused('no_statement_id');
  if (election.statements.some((s) => s.key === key)) return refused('slug_taken');
  if (!topic) return refused('no_topic');
  await change(deps, { electionId: election.id, actor: input.actor, action: 'create-statement', details: { id: key }, matching: true }, (trx) =>
    insertStatement(trx, { electionId: election.id, topicId: topic.id, key, text: input.text, context: input.context, scale: input.scale }),
  );
  return done;
}

/** Changes a statement's topic, words, context and scale; `scale` null for the election's. */
export async function updateStatement(
  deps: AdminDeps,
  input: { election: ElectionDetail; statement: Statement; topic: string; text: LocalizedText | null; context: LocalizedText | null; scale: number | null; actor: Actor },
): Promise<EditOutcome> {
  const { election, statement, text, scale } = input;
  const topic = election.topics.find((tp) => tp.slug === input.topic);
  if (!topic) return refused('no_topic');
  // Once a candidate has answered, the statement's words and scale are what they answered: they cannot change.
  if ((await findAnsweredStatementIds(deps.db, election.id)).has(statement.id)) {
    const sameText = JSON.stringify(text) === JSON.stringify(statement.text);
    const sameScale = (scale ?? election.scale) === statement.scale;
    if (!sameText || !sameScale) return refused('locked');
  }
  await change(deps, { electionId: election.id, actor: input.actor, action: 'update-statement', details: { id: statement.key }, matching: true }, (trx) =>
    updateStatementRow(trx, { id: statement.id, topicId: topic.id, text, context: input.context, scale }),
  );
  return done;
}

/** Moves a statement one step up or down in its topic (recorded even when it was already first or last). */
export async function moveStatement(deps: AdminDeps, input: { electionId: number; key: string; direction: 'up' | 'down'; actor: Actor }): Promise<void> {
  await change(deps, { electionId: input.electionId, actor: input.actor, action: 'move-statement', details: { id: input.key, direction: input.direction }, matching: true }, (trx) =>
    swapStatementWithNeighbour(trx, { electionId: input.electionId, key: input.key, direction: input.direction }),
  );
}

/** Changes a race's office and district, or (`race` undefined) adds one, whose slug must be new in the election. */
export async function saveRace(
  deps: AdminDeps,
  input: { election: ElectionDetail; race: Race | undefined; slug: string | undefined; office: LocalizedText | null; district: LocalizedText | null; actor: Actor },
): Promise<EditOutcome> {
  const { election, race: existing, slug, office, district } = input;
  if (!existing && !slug) return refused('no_slug');
  if (!existing && election.races.some((r) => r.slug === slug)) return refused('slug_taken');
  await change(deps, { electionId: election.id, actor: input.actor, action: existing ? 'update-race' : 'create-race', details: { slug: existing?.slug ?? slug }, matching: true }, async (trx) => {
    if (existing) await updateRace(trx, { id: existing.id, office, district });
    else await insertRace(trx, { electionId: election.id, slug: slug!, office, district });
  });
  return done;
}

/** Changes a party, or (`party` undefined) adds one, whose slug must be new in the election. */
export async function saveParty(
  deps: AdminDeps,
  input: { election: ElectionDetail; party: Party | undefined; slug: string | undefined; fields: PartyFields; actor: Actor },
): Promise<EditOutcome> {
  const { election, party: existing, slug, fields } = input;
  if (!existing && !slug) return refused('no_slug');
  if (!existing && election.parties.some((p) => p.slug === slug)) return refused('slug_taken');
  await change(deps, { electionId: election.id, actor: input.actor, action: existing ? 'update-party' : 'create-party', details: { slug: existing?.slug ?? slug }, matching: true }, async (trx) => {
    if (existing) await updateParty(trx, { id: existing.id, ...fields });
    else await insertParty(trx, { electionId: election.id, slug: slug!, ...fields });
  });
  return done;
}
