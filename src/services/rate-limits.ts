import type { Db } from '../db/client.js';
import { countHit, deleteCount, deleteEndedCounts, takeBackHit } from '../db/repositories/rate-limits.js';

/*
 * Counts every app process shares, kept in the database: what the limits on
 * logins, links, e-mails and publications count (web/middleware/rate-limit-store.ts).
 */

/** Counts one request under `key`, in the window running or in one of `windowMs` from now; returns the count and when its window ends. */
export async function countRequest(db: Db, input: { key: string; now: Date; windowMs: number }): Promise<{ hits: number; resetAt: Date }> {
  const count = await countHit(db, input.key, input.now.toISOString(), new Date(input.now.getTime() + input.windowMs).toISOString());
  return { hits: count.hits, resetAt: new Date(count.resetAt) };
}

/** Takes back a request counted under `key` that did not count after all. */
export async function uncountRequest(db: Db, input: { key: string; now: Date }): Promise<void> {
  await takeBackHit(db, input.key, input.now.toISOString());
}

/** Forgets what was counted under `key`. */
export async function resetCount(db: Db, key: string): Promise<void> {
  await deleteCount(db, key);
}

/** Removes the counts whose window has ended. */
export async function removeEndedCounts(db: Db, now: Date): Promise<void> {
  await deleteEndedCounts(db, now.toISOString());
}
