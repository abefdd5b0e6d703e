import { sql } from 'kysely';
import { databaseKind, type Db } from '../db/client.js';
import { listElections } from '../db/repositories/elections.js';
import { readHistoryChain } from '../db/repositories/history.js';
import { findChainBreak, type ChainProblem } from '../domain/history-chain.js';

export interface VerifyReport {
  ok: boolean;
  /** SQLite's integrity and foreign-key checks; null on PostgreSQL, which keeps its own. */
  storage: string[] | null;
  /** Each election's chain: where it first breaks (a link, or a kept text that no longer matches its SHA-256), or null. */
  chains: Array<{ election: string; entries: number; break: ({ seq: number } & ChainProblem) | null }>;
}

/**
 * Checks the storage and every election's history chain: each link, and the
 * words kept for each justification against the SHA-256 the chain commits to
 * (words removed by a redaction excepted).
 */
export async function verifyDatabase(db: Db, databaseUrl: string): Promise<VerifyReport> {
  let storage: string[] | null = null;
  if (databaseKind(databaseUrl) === 'sqlite') {
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
    const foreignKeys = await sql<Record<string, unknown>>`pragma foreign_key_check`.execute(db);
    storage = [
      ...integrity.rows.map((r) => r.integrity_check).filter((line) => line !== 'ok'),
      ...foreignKeys.rows.map((r) => `foreign key: ${JSON.stringify(r)}`),
    ];
  }
  const chains = [];
  for (const election of await listElections(db)) {
    const entries = await readHistoryChain(db, election.id);
    chains.push({ election: election.slug, entries: entries.length, break: findChainBreak(entries) });
  }
  return { ok: (storage ?? []).length === 0 && chains.every((c) => c.break === null), storage, chains };
}
