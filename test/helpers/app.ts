import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Clock } from '../../src/domain/clock.js';
import { seededRandom } from '../../src/domain/fairness.js';

/** A clock that stands still unless a test moves it. */
export function fixedClock(iso = '2028-09-01T12:00:00.000Z'): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => new Date(now), set: (next) => void (now = new Date(next)) };
}

/** A temporary folder removed when the returned function is called. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'concordo-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestContext {
  db: Db;
  config: Config;
  clock: ReturnType<typeof fixedClock>;
  app: ReturnType<typeof createApp>;
  close: () => Promise<void>;
}

/** A migrated database in a temporary file and an app over it (not listening). */
export async function createTestContext(
  env: Record<string, string> = {},
  logger: Logger = pino({ level: 'silent' }),
): Promise<TestContext> {
  const temp = tempDir();
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: `sqlite:${path.join(temp.dir, 'test.db')}`, ...env });
  const db = createDb(config.databaseUrl);
  await migrateToLatest(db);
  const clock = fixedClock();
  const app = createApp({ config, db, clock, logger, random: seededRandom(42), secret: 'test-secret-of-at-least-32-characters!' });
  return {
    db,
    config,
    clock,
    app,
    close: async () => {
      await db.destroy();
      temp.remove();
    },
  };
}
