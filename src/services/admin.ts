import type { Db } from '../db/client.js';
import { setSessionActingCandidate } from '../db/repositories/accounts.js';
import { appendAuditEntry } from '../db/repositories/audit-log.js';
import { findCandidate } from '../db/repositories/candidates.js';
import { bumpDataVersion, bumpRaceVersion, findElectionId } from '../db/repositories/elections.js';
import {
  findModerationTarget,
  findText,
  findTextByHash,
  hideText,
  keepText,
  listModerationTexts,
  logModeration,
  redactText,
  setAnswerHiddenReason,
  type ModerationText,
} from '../db/repositories/justification-texts.js';
import { textSha256 } from '../domain/history-chain.js';
import type { Clock } from '../domain/clock.js';

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
    await appendAuditEntry(trx, { electionId: input.electionId, actor: input.actor.email, action: input.action, details: input.details, now });
    return result;
  });
}

/** A page of an election's kept justifications, newest first, for the moderation page. */
export async function moderationTexts(db: Db, input: { electionId: number; page: number; pageSize: number }): Promise<ModerationText[]> {
  return listModerationTexts(db, { electionId: input.electionId, offset: (input.page - 1) * input.pageSize, limit: input.pageSize });
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
    const target = await findModerationTarget(trx, { electionId: input.electionId, candidate: input.candidate, statement: input.statement });
    if (!target) return 'not_found';
    // The text: the one named, or the published answer's.
    let text: { id: number; sha256: string; text: string | null; redacted: boolean } | null = null;
    if (input.text !== undefined) {
      const found = await findText(trx, { electionId: input.electionId, id: input.text });
      if (!found || found.candidateId !== target.candidateId || found.statementId !== target.statementId) return 'not_found';
      text = { id: found.id, sha256: found.sha256, text: found.text, redacted: found.redactedAt !== null };
    } else {
      if (target.answerId === null) return 'not_found';
      const sha256 = target.justification !== null ? textSha256(target.justification) : target.justificationSha256;
      if (target.justification !== null) {
        await keepText(trx, { electionId: input.electionId, candidateId: target.candidateId, statementId: target.statementId, text: target.justification, now });
      }
      const found = sha256 === null ? undefined : await findTextByHash(trx, { candidateId: target.candidateId, statementId: target.statementId, sha256 });
      if (found) text = { id: found.id, sha256: found.sha256, text: found.text, redacted: found.redactedAt !== null };
    }
    if (text?.redacted) return 'redacted';
    if (input.action === 'redact' && text === null) return 'not_found';

    if (input.action === 'redact') {
      await redactText(trx, { id: text!.id, candidateId: target.candidateId, statementId: target.statementId, sha256: text!.sha256, text: text!.text ?? '', reason: input.reason, now });
    } else {
      const reason = input.action === 'hide' ? input.reason : null;
      if (text) {
        await hideText(trx, { candidateId: target.candidateId, statementId: target.statementId, sha256: text.sha256, reason });
        await setAnswerHiddenReason(trx, { candidateId: target.candidateId, statementId: target.statementId, sha256: text.sha256, reason });
      } else {
        // An answer without words: only its reason.
        await setAnswerHiddenReason(trx, { candidateId: target.candidateId, statementId: target.statementId, reason });
      }
      await logModeration(trx, {
        electionId: input.electionId,
        candidateId: target.candidateId,
        statementId: target.statementId,
        action: input.action,
        reason: input.reason,
        actorUserId: input.actorUserId,
        now,
      });
    }
    // Widgets kept for the race show justifications: they are rendered again.
    await bumpRaceVersion(trx, target.raceId);
    await appendAuditEntry(trx, {
      electionId: input.electionId,
      actor: input.actor.email,
      action: `moderation-${input.action}`,
      // The words themselves are never copied into the log: a redaction must remove them everywhere.
      details: { candidate: input.candidate, statement: input.statement, text: text?.sha256 ?? null, reason: input.reason },
      now,
    });
    return 'done';
  });
}

/**
 * An organizer starts acting on a candidate's behalf, at their request: the
 * session works on the candidate's pages, and the audit log names the organizer.
 */
export async function actForCandidate(
  deps: AdminDeps,
  input: { election: string; candidate: string; sessionIdHash: string; actor: Actor },
): Promise<{ ok: true } | { ok: false; problem: 'no_candidate' }> {
  const id = await findElectionId(deps.db, input.election);
  const candidate = id === null ? null : await findCandidate(deps.db, id, input.candidate);
  if (id === null || !candidate) return { ok: false, problem: 'no_candidate' };
  await change(deps, { electionId: id, actor: input.actor, action: 'act-for-candidate', details: { candidate: input.candidate } }, (trx) =>
    setSessionActingCandidate(trx, input.sessionIdHash, candidate.id),
  );
  return { ok: true };
}

/** The organizer's session stops acting on a candidate's behalf. */
export async function stopActing(db: Db, sessionIdHash: string): Promise<void> {
  await setSessionActingCandidate(db, sessionIdHash, null);
}
