import { sql } from 'kysely';
import type { Db } from '../client.js';

/* The shared counters of rate limits (see web/middleware/rate-limit-store.ts). Times are ISO 8601 in UTC. */

export interface RateLimitCount {
  hits: number;
  resetAt: string;
}

/**
 * Counts one hit for `key` and returns the count: in one statement, so that
 * processes counting the same key at once each see their own hit. A window
 * that has ended starts again at 1, ending at `resetAt`.
 */
export async function countHit(db: Db, key: string, now: string, resetAt: string): Promise<RateLimitCount> {
  const row = await db
    .insertInto('rate_limits')
    .values({ key, hits: 1, reset_at: resetAt })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({
        // Both read the row as it was before this update.
        hits: sql<number>`case when rate_limits.reset_at <= ${now} then 1 else rate_limits.hits + 1 end`,
        reset_at: sql<string>`case when rate_limits.reset_at <= ${now} then excluded.reset_at else rate_limits.reset_at end`,
      }),
    )
    .returning(['hits', 'reset_at'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), resetAt: row.reset_at };
}

/** Takes back one hit of `key` in a window that has not ended (a request that did not count after all). */
export async function takeBackHit(db: Db, key: string, now: string): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set({ hits: sql<number>`hits - 1` })
    .where('key', '=', key)
    .where('hits', '>', 0)
    .where('reset_at', '>', now)
    .execute();
}

export async function deleteCount(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute();
}

/** Removes the counts whose window has ended. */
export async function deleteEndedCounts(db: Db, now: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('reset_at', '<=', now).execute();
}
