import { GENESIS_HASH, historyHash, type ChainedSide, type KeptText, type VerifiableEntry } from '../../domain/history-chain.js';
import type { HistoryEntry, HistorySide, RecordedText } from '../../domain/election.js';
import type { Db } from '../client.js';

/*
 * The change history: append-only, hash-chained per election (domain/history-chain.ts).
 * Each entry names the justifications by their SHA-256; the words are read
 * through `justification_texts`, where moderation hides them and a redaction
 * removes them, the public reason showing instead.
 */

/** History entries with candidate and statement, and the kept texts of both sides; callers add where, order and limit. */
export function selectHistory(db: Db) {
  return db
    .selectFrom('answer_history')
    .innerJoin('candidates', 'candidates.id', 'answer_history.candidate_id')
    .innerJoin('statements', 'statements.id', 'answer_history.statement_id')
    .leftJoin('justification_texts as old_text', (join) =>
      join
        .onRef('old_text.candidate_id', '=', 'answer_history.candidate_id')
        .onRef('old_text.statement_id', '=', 'answer_history.statement_id')
        .onRef('old_text.sha256', '=', 'answer_history.old_text_sha256'),
    )
    .leftJoin('justification_texts as new_text', (join) =>
      join
        .onRef('new_text.candidate_id', '=', 'answer_history.candidate_id')
        .onRef('new_text.statement_id', '=', 'answer_history.statement_id')
        .onRef('new_text.sha256', '=', 'answer_history.new_text_sha256'),
    )
    .select([
      'answer_history.seq',
      'answer_history.candidate_id',
      'answer_history.statement_id',
      'candidates.key as candidate_key',
      'candidates.ballot_name',
      'candidates.name',
      'statements.key as statement_key',
      'answer_history.old_answered',
      'answer_history.old_value',
      'answer_history.old_text_sha256',
      'answer_history.new_answered',
      'answer_history.new_value',
      'answer_history.new_text_sha256',
      'answer_history.changed_at',
      'answer_history.actor',
      'answer_history.prev_hash',
      'answer_history.hash',
      'old_text.id as old_text_id',
      'old_text.text as old_text',
      'old_text.hidden_reason as old_hidden_reason',
      'old_text.redacted_reason as old_redacted_reason',
      'old_text.redacted_at as old_redacted_at',
      'new_text.id as new_text_id',
      'new_text.text as new_text',
      'new_text.hidden_reason as new_hidden_reason',
      'new_text.redacted_reason as new_redacted_reason',
      'new_text.redacted_at as new_redacted_at',
    ]);
}

type HistoryRow = Awaited<ReturnType<ReturnType<typeof selectHistory>['executeTakeFirstOrThrow']>>;

/** An entry as the public sees it: hidden and redacted words give way to their reason. */
export function toHistoryEntry(row: HistoryRow): HistoryEntry {
  return {
    seq: row.seq,
    statementId: row.statement_id,
    old: recordedSide('old', row),
    new: recordedSide('new', row),
    changedAt: row.changed_at,
    hash: row.hash,
    actor: row.actor,
  };
}

function recordedSide(side: 'old' | 'new', row: HistoryRow): HistorySide {
  const sha256 = row[`${side}_text_sha256`];
  let justification: RecordedText | null = null;
  if (sha256 !== null) {
    const redacted = row[`${side}_redacted_at`] !== null;
    const hidden = !redacted && row[`${side}_hidden_reason`] !== null;
    const withheld = redacted ? 'redacted' : hidden ? 'hidden' : null;
    justification = {
      sha256,
      text: withheld === null ? (row[`${side}_text`] ?? null) : null,
      reason: redacted ? row[`${side}_redacted_reason`] : hidden ? row[`${side}_hidden_reason`] : null,
      withheld,
    };
  }
  return { answered: row[`${side}_answered`] !== 0, value: row[`${side}_value`], justification };
}

/** An election's whole change history in chain order, named by public ids, with the words kept for each side. */
export async function readHistoryChain(db: Db, electionId: number): Promise<VerifiableEntry[]> {
  const rows = await selectHistory(db).where('answer_history.election_id', '=', electionId).orderBy('answer_history.seq').execute();
  const chained = (side: 'old' | 'new', r: HistoryRow): ChainedSide => ({ answered: r[`${side}_answered`] !== 0, value: r[`${side}_value`], textSha256: r[`${side}_text_sha256`] });
  const kept = (side: 'old' | 'new', r: HistoryRow): KeptText | null =>
    r[`${side}_text_id`] === null ? null : { text: r[`${side}_text`], redacted: r[`${side}_redacted_at`] !== null };
  return rows.map((r) => ({
    seq: r.seq,
    candidate: r.candidate_key,
    statement: r.statement_key,
    old: chained('old', r),
    new: chained('new', r),
    changedAt: r.changed_at,
    actor: r.actor,
    prevHash: r.prev_hash,
    hash: r.hash,
    oldText: kept('old', r),
    newText: kept('new', r),
  }));
}

/** An answer as the history records it: its value and its justification's SHA-256 (the words are kept in `justification_texts`). */
export interface HistoryAnswer {
  value: number | null;
  justificationSha256: string | null;
}

/**
 * Appends entries to an election's hash chain, continuing from its last entry.
 * Call inside a transaction: it first writes to the election's row, so two
 * transactions that extend one chain take turns (PostgreSQL holds the row lock,
 * SQLite the write lock, until commit) instead of both continuing from the same entry.
 * The words of each new justification must be kept first (`keepText`).
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
  const chained = (answer: HistoryAnswer | null): ChainedSide => ({
    answered: answer !== null,
    value: answer?.value ?? null,
    textSha256: answer?.justificationSha256 ?? null,
  });
  return {
    appended: () => count,
    async append(entry: {
      candidateId: number;
      candidateKey: string;
      statementId: number;
      statementKey: string;
      /** Null when there was no answer before (or is none after). */
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
        old: chained(entry.old),
        new: chained(entry.next),
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
          old_answered: content.old.answered ? 1 : 0,
          old_value: content.old.value,
          old_text_sha256: content.old.textSha256,
          new_answered: content.new.answered ? 1 : 0,
          new_value: content.new.value,
          new_text_sha256: content.new.textSha256,
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
