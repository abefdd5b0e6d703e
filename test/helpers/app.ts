import { pino, type Logger } from 'pino';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Clock } from '../../src/domain/clock.js';
import { seededRandom } from '../../src/domain/fairness.js';
import { BackgroundTasks } from '../../src/services/background.js';
import { createTestDatabase } from './database.js';

/** A clock that stands still unless a test moves it. */
export function fixedClock(iso = '2028-09-01T12:00:00.000Z'): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => new Date(now), set: (next) => void (now = new Date(next)) };
}

export interface TestContext {
  db: Db;
  config: Config;
  clock: ReturnType<typeof fixedClock>;
  app: ReturnType<typeof createApp>;
  /** The app's work after its answers (e-mail delivery, account look-ups). */
  background: BackgroundTasks;
  /** Waits for that work: an answer comes before the e-mails it writes. */
  settled: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * A migrated database of its own (a temporary SQLite file, or a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set) and an app over it (not listening).
 */
export async function createTestContext(
  env: Record<string, string> = {},
  logger: Logger = pino({ level: 'silent' }),
): Promise<TestContext> {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, ...env });
  const db = createDb(config.databaseUrl);
  await migrateToLatest(db);
  const clock = fixedClock();
  const background = new BackgroundTasks(logger);
  const app = createApp({ config, db, clock, logger, random: seededRandom(42), secret: 'test-secret-of-at-least-32-characters!', background });
  return {
    db,
    config,
    clock,
    app,
    background,
    settled: () => background.settled(),
    close: async () => {
      await background.settled();
      await db.destroy();
      await database.drop();
    },
  };
}
export { tempDir } from './database.js';
