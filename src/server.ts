import cluster from 'node:cluster';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDb, type Db } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';
import { systemClock } from './domain/clock.js';
import { createLogger } from './logger.js';
import { BackgroundTasks } from './services/background.js';
import { seedDemoIfEmpty } from './services/demo.js';
import { createMailer } from './services/mailer.js';
import { serverSecret } from './services/secret.js';
import { drainOnClose } from './web/drain.js';

export interface RunningServer {
  server: Server;
  db: Db;
  logger: Logger;
  /** Stops accepting connections, answers every request sent on those it had (see web/drain.ts), closes the database. */
  close(): Promise<void>;
  /** Resolves once no background work (e-mail delivery, work after an answer) is running. */
  settled(): Promise<void>;
}

/** How often a process looks for e-mails waiting in the outbox that no send of its own started (SMTP only). */
const MAIL_RECHECK_MS = 60_000;

/** Migrations, and the demo election on a first run: once, before any process serves. */
async function prepareDatabase(db: Db, config: Config, logger: Logger): Promise<void> {
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  if (config.seedDemo) {
    const seeded = await seedDemoIfEmpty({ db, clock: systemClock });
    if (seeded && !seeded.ok) throw new Error('the demo election package did not import');
    if (seeded) logger.info('demo election loaded');
  }
}

/** Config → database → migrations → (demo on first run) → app → listen. */
export async function startServer(config: Config, logger: Logger = createLogger(config)): Promise<RunningServer> {
  const db = createDb(config.databaseUrl);
  try {
    await prepareDatabase(db, config, logger);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const secret = await serverSecret(db, config.secret);
  const background = new BackgroundTasks(logger);
  const mailer = createMailer({ config, db, clock: systemClock, logger, background });
  const app = createApp({ config, db, clock: systemClock, logger, random: Math.random, secret, mailer, background });
  const server = app.listen(config.port, config.host);
  // Keep idle connections open longer than clients and proxies reuse them (Node's 5 s default races
  // with keep-alive clients and resets their next request).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Time for a request already sent on an idle connection to arrive once the shutdown has begun (a round
  // trip on a slow mobile network is a few hundred ms), within half the time the shutdown may take.
  const drain = drainOnClose(server, Math.min(1_000, config.shutdownTimeoutMs / 2));
  await once(server, 'listening');
  logger.info({ address: server.address(), url: config.baseUrl }, 'listening');
  if (cluster.isPrimary) logger.info({ url: config.baseUrl }, `Concordo is serving at ${config.baseUrl}`);

  // Mails another process wrote, or left behind when it stopped: delivered now and then.
  const deliverLeftovers = () => background.run('e-mail delivery', mailer.deliverPending);
  const recheck = config.smtpUrl ? setInterval(deliverLeftovers, MAIL_RECHECK_MS).unref() : null;
  if (config.smtpUrl) deliverLeftovers();

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await drain();
      if (recheck) clearInterval(recheck);
      await background.settled();
      await db.destroy();
    })();
    return closing;
  };
  return { server, db, logger, close, settled: () => background.settled() };
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
  if (config.workers > 1 && cluster.isPrimary) {
    await runPrimary(config, logger);
    return;
  }
  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    process.exit(1);
  }
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    // A second signal (Ctrl-C reaches every process of the group, and the primary passes it on) changes nothing.
    if (shuttingDown) return;
    shuttingDown = true;
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
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * With WORKERS above 1: this process prepares the database, then starts that
 * many server processes sharing the port (Node's cluster hands each new
 * connection to the next one), starts a new one when one dies, and on SIGTERM
 * or SIGINT passes the signal on and exits when all have finished their
 * requests. Nothing is shared between them but the database: see
 * docs/operations.md.
 */
async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const db = createDb(config.databaseUrl);
  try {
    await prepareDatabase(db, config, logger);
    await serverSecret(db, config.secret);
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    process.exit(1);
  } finally {
    await db.destroy();
  }
  let stopping = false;
  let failed = false;
  const listening = new Set<number>();
  const fork = () => cluster.fork({ SEED_DEMO: 'false' });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.once('listening', () => logger.info({ url: config.baseUrl }, `Concordo is serving at ${config.baseUrl}`));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping && code !== 0) failed = true;
    if (!stopping && listening.has(worker.id)) {
      logger.error({ worker: worker.process.pid, code, signal }, 'server process ended; starting another');
      fork();
    } else if (!stopping) {
      // One that never listened (a port in use, a bad database) would fail again: stop them all.
      logger.fatal({ worker: worker.process.pid, code, signal }, 'a server process could not start');
      failed = true;
      stop('SIGTERM');
    }
    listening.delete(worker.id);
    if (stopping && Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
  });
  for (let i = 0; i < config.workers; i += 1) fork();
  logger.info({ workers: config.workers }, 'server processes started');
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
