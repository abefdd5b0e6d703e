import { textSha256 } from '../../domain/history-chain.js';
import type { Db } from '../client.js';

/*
 * The words of every published justification, once per candidate and
 * statement under their SHA-256 (what the history chain commits to): the
 * published answer and the history read a text's fate from here.
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
