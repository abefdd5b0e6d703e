import type { DraftAnswer } from '../../domain/election.js';
import type { Db } from '../client.js';

export async function listDrafts(db: Db, candidateId: number): Promise<DraftAnswer[]> {
  const rows = await db
    .selectFrom('answer_drafts')
    .select(['statement_id', 'value', 'justification'])
    .where('candidate_id', '=', candidateId)
    .execute();
  return rows.map((r) => ({ statementId: r.statement_id, value: r.value, justification: r.justification }));
}

/** Replaces a candidate's whole draft with these answers. */
export async function replaceDrafts(db: Db, input: { candidateId: number; answers: DraftAnswer[]; now: string }): Promise<void> {
  await db.deleteFrom('answer_drafts').where('candidate_id', '=', input.candidateId).execute();
  if (input.answers.length === 0) return;
  await db
    .insertInto('answer_drafts')
    .values(
      input.answers.map((a) => ({
        candidate_id: input.candidateId,
        statement_id: a.statementId,
        value: a.value,
        justification: a.justification,
        updated_at: input.now,
      })),
    )
    .execute();
}

export async function listAnswerRows(db: Db, candidateId: number) {
  return db
    .selectFrom('answers')
    .select(['id', 'statement_id', 'value', 'justification', 'justification_sha256', 'hidden_reason'])
    .where('candidate_id', '=', candidateId)
    .execute();
}
