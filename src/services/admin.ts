import type { Db } from '../db/client.js';
import { bumpDataVersion, bumpRaceVersion } from '../db/repositories/elections.js';
import type { Clock } from '../domain/clock.js';
import { LOCALES, type LocalizedText } from '../domain/locale.js';

/*
 * What organizers change. Every change voters or candidates can see is
 * written with an audit-log entry (who, what, when) in the same transaction,
 * and raises the election's data version where matching depends on it.
 */

export interface AdminDeps {
  db: Db;
  clock: Clock;
}

export interface Actor {
  email: string;
}

/** Localized text from a form's per-language fields; languages left empty are left out. */
export function localizedFromForm(values: Readonly<Record<string, unknown>>, prefix: string): LocalizedText | null {
  const text: Partial<Record<(typeof LOCALES)[number], string>> = {};
  for (const locale of LOCALES) {
    const raw = values[`${prefix}_${locale}`];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (value) text[locale] = value;
  }
  return Object.keys(text).length > 0 ? text : null;
}

async function audit(trx: Db, input: { electionId: number | null; actor: Actor; action: string; details: unknown; now: string }) {
  await trx
    .insertInto('audit_log')
    .values({ election_id: input.electionId, actor: input.actor.email, action: input.action, details: JSON.stringify(input.details), created_at: input.now })
    .execute();
}

/** Runs an organizer's change in one transaction with its audit entry (and a data-version bump when `matching`). */
export async function change<T>(
  deps: AdminDeps,
  input: { electionId: number | null; actor: Actor; action: string; details: unknown; matching?: boolean },
  work: (trx: Db, now: string) => Promise<T>,
): Promise<T> {
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const result = await work(trx, now);
    if (input.matching && input.electionId !== null) await bumpDataVersion(trx, input.electionId);
    await audit(trx, { electionId: input.electionId, actor: input.actor, action: input.action, details: input.details, now });
    return result;
  });
}

export async function electionId(db: Db, slug: string): Promise<number | null> {
  const row = await db.selectFrom('elections').select('id').where('slug', '=', slug).executeTakeFirst();
  return row?.id ?? null;
}

/** Statements that a candidate has answered (drafted or published): their meaning is frozen. */
export async function answeredStatementIds(db: Db, electionId: number): Promise<Set<number>> {
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

/** Swaps a statement with its neighbour in its topic, so the questionnaire order changes by one step. */
export async function moveStatement(trx: Db, input: { electionId: number; key: string; direction: 'up' | 'down' }): Promise<boolean> {
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

/** The next free position in one of an election's ordered tables. */
export async function nextPosition(trx: Db, table: 'topics' | 'statements' | 'races' | 'parties' | 'candidates', electionId: number): Promise<number> {
  const row = await trx.selectFrom(table).select((eb) => eb.fn.max('position').as('max')).where('election_id', '=', electionId).executeTakeFirst();
  const max = row?.max;
  return max === null || max === undefined ? 0 : Number(max) + 1;
}

/** Hides or restores a published justification; the reason is public, on the answer and in the moderation log. */
export async function moderate(
  deps: AdminDeps,
  input: { electionId: number; candidate: string; statement: string; action: 'hide' | 'restore'; reason: string; actor: Actor; actorUserId: number },
): Promise<'done' | 'not_found'> {
  const target = await deps.db
    .selectFrom('answers')
    .innerJoin('candidates', 'candidates.id', 'answers.candidate_id')
    .innerJoin('statements', 'statements.id', 'answers.statement_id')
    .select(['answers.id', 'candidates.id as candidateId', 'candidates.race_id as raceId', 'statements.id as statementId'])
    .where('candidates.election_id', '=', input.electionId)
    .where('candidates.key', '=', input.candidate)
    .where('statements.key', '=', input.statement)
    .executeTakeFirst();
  if (!target) return 'not_found';
  await change(deps, { electionId: input.electionId, actor: input.actor, action: `moderation-${input.action}`, details: { candidate: input.candidate, statement: input.statement, reason: input.reason } }, async (trx, now) => {
    await trx
      .updateTable('answers')
      .set({ hidden_reason: input.action === 'hide' ? input.reason : null })
      .where('id', '=', target.id)
      .execute();
    // Widgets kept for the race show justifications: they are rendered again.
    await bumpRaceVersion(trx, target.raceId);
    await trx
      .insertInto('moderation_log')
      .values({
        election_id: input.electionId,
        candidate_id: target.candidateId,
        statement_id: target.statementId,
        action: input.action,
        reason: input.reason,
        actor_user_id: input.actorUserId,
        created_at: now,
      })
      .execute();
  });
  return 'done';
}
