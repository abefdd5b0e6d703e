import { GENESIS_HASH, historyHash, type ChainedEntry } from '../../domain/history-chain.js';
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
      'answer_history.actor',
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
    actor: r.actor,
  }));
}

/** An answer as the history records it. */
export interface HistoryAnswer {
  value: number | null;
  justification?: string | null | undefined;
}

/**
 * Appends entries to an election's hash chain, continuing from its last entry.
 * Call inside a transaction: it first writes to the election's row, so two
 * transactions that extend one chain take turns (PostgreSQL holds the row lock,
 * SQLite the write lock, until commit) instead of both continuing from the same entry.
 */
export async function historyWriter(trx: Db, electionId: number) {
  await trx
    .updateTable('elections')
    .set((eb) => ({ data_version: eb.ref('data_version') }))
    .where('id', '=', electionId)
    .execute();
  const last = await trx
    .selectFrom('answer_history')
    .select(['seq', 'hash'])
    .where('election_id', '=', electionId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  let count = 0;
  return {
    appended: () => count,
    async append(entry: {
      candidateId: number;
      candidateKey: string;
      statementId: number;
      statementKey: string;
      old: HistoryAnswer | null;
      next: HistoryAnswer | null;
      changedAt: string;
      actor: string;
    }) {
      seq += 1;
      const content = {
        seq,
        candidate: entry.candidateKey,
        statement: entry.statementKey,
        oldValue: entry.old?.value ?? null,
        newValue: entry.next?.value ?? null,
        oldJustification: entry.old?.justification ?? null,
        newJustification: entry.next?.justification ?? null,
        changedAt: entry.changedAt,
        actor: entry.actor,
      };
      const hash = historyHash(prevHash, content);
      await trx
        .insertInto('answer_history')
        .values({
          election_id: electionId,
          seq,
          candidate_id: entry.candidateId,
          statement_id: entry.statementId,
          old_value: content.oldValue,
          new_value: content.newValue,
          old_justification: content.oldJustification,
          new_justification: content.newJustification,
          changed_at: content.changedAt,
          prev_hash: prevHash,
          hash,
          actor: content.actor,
        })
        .execute();
      prevHash = hash;
      count += 1;
    },
  };
}
