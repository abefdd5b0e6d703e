import { textSha256 } from '../../domain/history-chain.js';
import type { Db } from '../client.js';

/*
 * The words of every published justification, once per candidate and
 * statement under their SHA-256 (what the history chain commits to). Hiding a
 * text (moderation) and redacting it (removing its words for good) happen
 * here; the published answer and the history read a text's fate from here.
 */

/** A kept text's fate: the public reason shown instead of its words, and whether they are gone for good. */
export interface TextFate {
  sha256: string;
  /** The hidden or redaction reason; null when the words are shown. */
  withheldReason: string | null;
  redacted: boolean;
}

/** Keeps a published justification's words (once per candidate, statement and SHA-256) and says what became of them. */
export async function keepText(trx: Db, input: { electionId: number; candidateId: number; statementId: number; text: string; now: string }): Promise<TextFate> {
  const sha256 = textSha256(input.text);
  await trx
    .insertInto('justification_texts')
    .values({ election_id: input.electionId, candidate_id: input.candidateId, statement_id: input.statementId, sha256, text: input.text, created_at: input.now })
    .onConflict((oc) => oc.columns(['candidate_id', 'statement_id', 'sha256']).doNothing())
    .execute();
  const row = await trx
    .selectFrom('justification_texts')
    .select(['hidden_reason', 'redacted_reason', 'redacted_at'])
    .where('candidate_id', '=', input.candidateId)
    .where('statement_id', '=', input.statementId)
    .where('sha256', '=', sha256)
    .executeTakeFirstOrThrow();
  return { sha256, withheldReason: row.redacted_reason ?? row.hidden_reason, redacted: row.redacted_at !== null };
}

/** A candidate's hidden and redacted texts: statement id → SHA-256 → the public reason. */
export async function withheldTexts(db: Db, candidateId: number): Promise<Map<number, Map<string, string>>> {
  const rows = await db
    .selectFrom('justification_texts')
    .select(['statement_id', 'sha256', 'hidden_reason', 'redacted_reason'])
    .where('candidate_id', '=', candidateId)
    .where((eb) => eb.or([eb('hidden_reason', 'is not', null), eb('redacted_at', 'is not', null)]))
    .execute();
  const byStatement = new Map<number, Map<string, string>>();
  for (const row of rows) {
    const texts = byStatement.get(row.statement_id) ?? new Map<string, string>();
    texts.set(row.sha256, row.redacted_reason ?? row.hidden_reason ?? '');
    byStatement.set(row.statement_id, texts);
  }
  return byStatement;
}

/** One kept text as the organizers' moderation page lists it. */
export interface ModerationText {
  id: number;
  candidate: string;
  candidateName: string;
  statement: string;
  /** The words; null once redacted. */
  text: string | null;
  hiddenReason: string | null;
  redactedReason: string | null;
  redactedAt: string | null;
  /** Whether it is the justification of the published answer (otherwise it is in the change history only). */
  current: boolean;
}

/** An election's kept texts, newest first, a page at a time. */
export async function listModerationTexts(db: Db, input: { electionId: number; offset: number; limit: number }): Promise<ModerationText[]> {
  const rows = await db
    .selectFrom('justification_texts as t')
    .innerJoin('candidates', 'candidates.id', 't.candidate_id')
    .innerJoin('statements', 'statements.id', 't.statement_id')
    .leftJoin('answers', (join) =>
      join.onRef('answers.candidate_id', '=', 't.candidate_id').onRef('answers.statement_id', '=', 't.statement_id').onRef('answers.justification_sha256', '=', 't.sha256'),
    )
    .select([
      't.id',
      'candidates.key as candidate',
      'candidates.ballot_name',
      'candidates.name',
      'statements.key as statement',
      't.text',
      't.hidden_reason',
      't.redacted_reason',
      't.redacted_at',
      'answers.id as answerId',
    ])
    .where('t.election_id', '=', input.electionId)
    .orderBy('t.id', 'desc')
    .offset(input.offset)
    .limit(input.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    candidate: r.candidate,
    candidateName: r.ballot_name ?? r.name,
    statement: r.statement,
    text: r.text,
    hiddenReason: r.hidden_reason,
    redactedReason: r.redacted_reason,
    redactedAt: r.redacted_at,
    current: r.answerId !== null,
  }));
}

const textColumns = [
  'justification_texts.id',
  'justification_texts.candidate_id as candidateId',
  'justification_texts.statement_id as statementId',
  'justification_texts.sha256',
  'justification_texts.text',
  'justification_texts.redacted_at as redactedAt',
] as const;

/** A kept text of an election by id. */
export async function findText(db: Db, input: { electionId: number; id: number }) {
  return db.selectFrom('justification_texts').select(textColumns).where('election_id', '=', input.electionId).where('id', '=', input.id).executeTakeFirst();
}

/** A candidate's kept text for a statement by its SHA-256. */
export async function findTextByHash(db: Db, input: { candidateId: number; statementId: number; sha256: string }) {
  return db
    .selectFrom('justification_texts')
    .select(textColumns)
    .where('candidate_id', '=', input.candidateId)
    .where('statement_id', '=', input.statementId)
    .where('sha256', '=', input.sha256)
    .executeTakeFirst();
}

/** Hides a kept text with a public reason, or (reason null) shows it again; a redacted text stays as it is. */
export async function hideText(trx: Db, input: { candidateId: number; statementId: number; sha256: string; reason: string | null }): Promise<void> {
  await trx
    .updateTable('justification_texts')
    .set({ hidden_reason: input.reason })
    .where('candidate_id', '=', input.candidateId)
    .where('statement_id', '=', input.statementId)
    .where('sha256', '=', input.sha256)
    .where('redacted_at', 'is', null)
    .execute();
}

/**
 * Removes a text's words for good, with a public reason: from the kept texts,
 * from the published answer that holds them (the reason shows instead) and
 * from any draft that holds them.
 */
export async function redactText(
  trx: Db,
  input: { id: number; candidateId: number; statementId: number; sha256: string; text: string; reason: string; now: string },
): Promise<void> {
  await trx
    .updateTable('justification_texts')
    .set({ text: null, redacted_reason: input.reason, redacted_at: input.now })
    .where('id', '=', input.id)
    .execute();
  await trx
    .updateTable('answers')
    .set({ justification: null, hidden_reason: input.reason })
    .where('candidate_id', '=', input.candidateId)
    .where('statement_id', '=', input.statementId)
    .where('justification_sha256', '=', input.sha256)
    .execute();
  await trx
    .updateTable('answer_drafts')
    .set({ justification: null })
    .where('candidate_id', '=', input.candidateId)
    .where('statement_id', '=', input.statementId)
    .where('justification', '=', input.text)
    .execute();
}

/** What a moderation is about: a candidate's published answer to a statement (answer fields null when there is none). */
export interface ModerationTarget {
  candidateId: number;
  raceId: number;
  statementId: number;
  answerId: number | null;
  justification: string | null;
  justificationSha256: string | null;
}

/** The candidate and statement of an election by public ids, with the candidate's published answer to it; null when either is unknown. */
export async function findModerationTarget(db: Db, input: { electionId: number; candidate: string; statement: string }): Promise<ModerationTarget | null> {
  const row = await db
    .selectFrom('candidates')
    .innerJoin('statements', 'statements.election_id', 'candidates.election_id')
    .leftJoin('answers', (join) => join.onRef('answers.candidate_id', '=', 'candidates.id').onRef('answers.statement_id', '=', 'statements.id'))
    .select(['candidates.id as candidateId', 'candidates.race_id as raceId', 'statements.id as statementId', 'answers.id as answerId', 'answers.justification', 'answers.justification_sha256'])
    .where('candidates.election_id', '=', input.electionId)
    .where('candidates.key', '=', input.candidate)
    .where('statements.key', '=', input.statement)
    .executeTakeFirst();
  return row
    ? { candidateId: row.candidateId, raceId: row.raceId, statementId: row.statementId, answerId: row.answerId, justification: row.justification, justificationSha256: row.justification_sha256 }
    : null;
}

/** Sets (or, with null, clears) the public reason on a published answer; with `sha256`, only while the answer holds those words. */
export async function setAnswerHiddenReason(trx: Db, input: { candidateId: number; statementId: number; sha256?: string; reason: string | null }): Promise<void> {
  let answer = trx.updateTable('answers').set({ hidden_reason: input.reason }).where('candidate_id', '=', input.candidateId).where('statement_id', '=', input.statementId);
  if (input.sha256 !== undefined) answer = answer.where('justification_sha256', '=', input.sha256);
  await answer.execute();
}

/** Adds a hide or restore to the public moderation log. */
export async function logModeration(
  trx: Db,
  entry: { electionId: number; candidateId: number; statementId: number; action: 'hide' | 'restore'; reason: string; actorUserId: number; now: string },
): Promise<void> {
  await trx
    .insertInto('moderation_log')
    .values({
      election_id: entry.electionId,
      candidate_id: entry.candidateId,
      statement_id: entry.statementId,
      action: entry.action,
      reason: entry.reason,
      actor_user_id: entry.actorUserId,
      created_at: entry.now,
    })
    .execute();
}
