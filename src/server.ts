import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDb, type Db } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';
import { systemClock } from './domain/clock.js';
import { createLogger } from './logger.js';
import { seedDemoIfEmpty } from './services/demo.js';
import { serverSecret } from './services/secret.js';

export interface RunningServer {
  server: Server;
  db: Db;
  logger: Logger;
  /** Stops accepting connections, lets requests in flight finish, closes the database. */
  close(): Promise<void>;
}

/** Config → database → migrations → (demo on first run) → app → listen. */
export async function startServer(config: Config, logger: Logger = createLogger(config)): Promise<RunningServer> {
  const db = createDb(config.databaseUrl);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    if (config.seedDemo) {
      const seeded = await seedDemoIfEmpty({ db, clock: systemClock });
      if (seeded && !seeded.ok) throw new Error('the demo election package did not import');
      if (seeded) logger.info('demo election loaded');
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const secret = await serverSecret(db, config.secret);
  const app = createApp({ config, db, clock: systemClock, logger, random: Math.random, secret });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  // Keep idle connections open longer than clients and proxies reuse them (Node's 5 s default races
  // with keep-alive clients and resets their next request).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  logger.info({ address: server.address(), url: config.baseUrl }, 'listening');

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await db.destroy();
    })();
    return closing;
  };
  return { server, db, logger, close };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('requests still open after the shutdown timeout; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
