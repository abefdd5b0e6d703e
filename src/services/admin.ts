import type { Db } from '../db/client.js';
import { bumpDataVersion, bumpRaceVersion } from '../db/repositories/elections.js';
import { findText, findTextByHash, hideText, keepText, redactText } from '../db/repositories/justification-texts.js';
import { textSha256 } from '../domain/history-chain.js';
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

/** What an organizer does to a justification: hide it (reversibly), show it again, or remove its words for good. */
export type ModerationAction = 'hide' | 'restore' | 'redact';

/**
 * Moderates a justification: the published answer's (by candidate and
 * statement), or any text of the candidate's change history (`text`, its id).
 * The reason is public, in place of the words, on the answer and wherever
 * the history shows them.
 *
 * - `hide` and `restore` apply to the words wherever they are (the published
 *   answer, the history, a later publication of the same words), and go in
 *   the public moderation log.
 * - `redact` (a court order) removes the words for good: from the kept texts,
 *   the published answer and any draft; the history keeps their SHA-256, so
 *   every chain still verifies. It cannot be undone.
 */
export async function moderate(
  deps: AdminDeps,
  input: { electionId: number; candidate: string; statement: string; text?: number | undefined; action: ModerationAction; reason: string; actor: Actor; actorUserId: number },
): Promise<'done' | 'not_found' | 'redacted'> {
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const target = await trx
      .selectFrom('candidates')
      .innerJoin('statements', 'statements.election_id', 'candidates.election_id')
      .leftJoin('answers', (join) => join.onRef('answers.candidate_id', '=', 'candidates.id').onRef('answers.statement_id', '=', 'statements.id'))
      .select(['candidates.id as candidateId', 'candidates.race_id as raceId', 'statements.id as statementId', 'answers.id as answerId', 'answers.justification', 'answers.justification_sha256'])
      .where('candidates.election_id', '=', input.electionId)
      .where('candidates.key', '=', input.candidate)
      .where('statements.key', '=', input.statement)
      .executeTakeFirst();
    if (!target) return 'not_found';
    // The text: the one named, or the published answer's.
    let text: { id: number; sha256: string; text: string | null; redacted: boolean } | null = null;
    if (input.text !== undefined) {
      const found = await findText(trx, { electionId: input.electionId, id: input.text });
      if (!found || found.candidateId !== target.candidateId || found.statementId !== target.statementId) return 'not_found';
      text = { id: found.id, sha256: found.sha256, text: found.text, redacted: found.redactedAt !== null };
    } else {
      if (target.answerId === null) return 'not_found';
      const sha256 = target.justification !== null ? textSha256(target.justification) : target.justification_sha256;
      if (target.justification !== null) {
        await keepText(trx, { electionId: input.electionId, candidateId: target.candidateId, statementId: target.statementId, text: target.justification, now });
      }
      const found = sha256 === null ? undefined : await findTextByHash(trx, { candidateId: target.candidateId, statementId: target.statementId, sha256 });
      if (found) text = { id: found.id, sha256: found.sha256, text: found.text, redacted: found.redactedAt !== null };
    }
    if (text?.redacted) return 'redacted';
    if (input.action === 'redact' && text === null) return 'not_found';

    const answer = trx.updateTable('answers').where('candidate_id', '=', target.candidateId).where('statement_id', '=', target.statementId);
    if (input.action === 'redact') {
      await redactText(trx, { id: text!.id, candidateId: target.candidateId, statementId: target.statementId, sha256: text!.sha256, text: text!.text ?? '', reason: input.reason, now });
    } else {
      const reason = input.action === 'hide' ? input.reason : null;
      if (text) {
        await hideText(trx, { candidateId: target.candidateId, statementId: target.statementId, sha256: text.sha256, reason });
        await answer.set({ hidden_reason: reason }).where('justification_sha256', '=', text.sha256).execute();
      } else {
        // An answer without words: only its reason.
        await answer.set({ hidden_reason: reason }).execute();
      }
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
    }
    // Widgets kept for the race show justifications: they are rendered again.
    await bumpRaceVersion(trx, target.raceId);
    await audit(trx, {
      electionId: input.electionId,
      actor: input.actor,
      action: `moderation-${input.action}`,
      // The words themselves are never copied into the log: a redaction must remove them everywhere.
      details: { candidate: input.candidate, statement: input.statement, text: text?.sha256 ?? null, reason: input.reason },
      now,
    });
    return 'done';
  });
}
