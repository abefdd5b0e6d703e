import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { Clock } from './domain/clock.js';
import type { RandomSource } from './domain/fairness.js';
import type { BackgroundTasks } from './services/background.js';
import type { Mailer } from './services/mailer.js';

/** What the app needs from outside; tests pass their own. */
export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Random numbers for neutral orderings when the request gives no seed. */
  random: RandomSource;
  /** Signs CSRF tokens; see services/secret.ts. */
  secret: string;
  /** Sends e-mail; by default through the outbox, delivered in `background` (services/mailer.ts). */
  mailer?: Mailer;
  /** Work done after the answer (e-mail delivery, account look-ups, roster imports); shutting down waits for it. */
  background?: BackgroundTasks;
}
