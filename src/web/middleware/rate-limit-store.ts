import { createHmac } from 'node:crypto';
import type { IncrementResponse, Options, Store } from 'express-rate-limit';
import type { AppDeps } from '../../deps.js';
import type { BackgroundTasks } from '../../services/background.js';
import { countRequest, removeEndedCounts, resetCount, uncountRequest } from '../../services/rate-limits.js';

/**
 * A store for express-rate-limit whose counts are rows of the database, so
 * that every app process (WORKERS, or several machines on one PostgreSQL)
 * counts against the same limit; with counts in each process's memory, an
 * attacker got a try per process. For the limits that guard accounts, where a
 * request already costs a password hash or a token lookup; the match API
 * keeps its per-process count, which costs nothing per request.
 *
 * What is counted (an address, an e-mail) is stored as a keyed hash, so the
 * table holds no one's address or e-mail. Counts whose window has ended are
 * removed once per window, by whichever process counts next.
 */
export class SharedRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private sweptAt = 0;
  /** The key of the keyed hashes, made from the app's secret for this use only. */
  private readonly hashKey: Buffer;

  constructor(
    private readonly deps: Pick<AppDeps, 'db' | 'clock' | 'secret'> & { background: BackgroundTasks },
    /** Names the limit: each limit has its own store and counts. */
    readonly prefix: string,
  ) {
    this.hashKey = createHmac('sha256', deps.secret).update('concordo: rate limit keys').digest();
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const now = this.deps.clock.now();
    if (now.getTime() - this.sweptAt >= this.windowMs) {
      this.sweptAt = now.getTime();
      await removeEndedCounts(this.deps.db, now);
    }
    const count = await countRequest(this.deps.db, { key: this.rowKey(key), now, windowMs: this.windowMs });
    return { totalHits: count.hits, resetTime: count.resetAt };
  }

  decrement(key: string): Promise<void> {
    // Called once the answer has been sent, and awaited by no one: background work, which shutting down waits for.
    const now = this.deps.clock.now();
    this.deps.background.run('rate limit', () => uncountRequest(this.deps.db, { key: this.rowKey(key), now }));
    return Promise.resolve();
  }

  async resetKey(key: string): Promise<void> {
    await resetCount(this.deps.db, this.rowKey(key));
  }

  private rowKey(key: string): string {
    return `${this.prefix}${createHmac('sha256', this.hashKey).update(key).digest('base64url')}`;
  }
}
