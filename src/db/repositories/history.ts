import type { ChainedEntry } from '../../domain/history-chain.js';
import type { Db } from '../client.js';

/** An election's whole change history in chain order, named by public ids. */
export async function readHistoryChain(db: Db, electionId: number): Promise<ChainedEntry[]> {
  const rows = await db
    .selectFrom('answer_history')
    .innerJoin('candidates', 'candidates.id', 'answer_history.candidate_id')
    .innerJoin('statements', 'statements.id', 'answer_history.statement_id')
    .select([
      'answer_history.seq',
      'candidates.key as candidate',
      'statements.key as statement',
      'answer_history.old_value',
      'answer_history.new_value',
      'answer_history.old_justification',
      'answer_history.new_justification',
      'answer_history.changed_at',
      'answer_history.prev_hash',
      'answer_history.hash',
    ])
    .where('answer_history.election_id', '=', electionId)
    .orderBy('answer_history.seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    candidate: r.candidate,
    statement: r.statement,
    oldValue: r.old_value,
    newValue: r.new_value,
    oldJustification: r.old_justification,
    newJustification: r.new_justification,
    changedAt: r.changed_at,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}
