import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { systemClock } from '../../src/domain/clock.js';
import { createSession } from '../../src/services/auth.js';
import { seedDemo } from '../../src/services/demo.js';
import { createMailer } from '../../src/services/mailer.js';
import { pino } from 'pino';
import { tempDir } from '../helpers/database.js';
import { loadFixture } from '../helpers/packages.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** `npm run test:load` runs the full minute. */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const requested = process.env.LOAD_SECONDS !== undefined;
if (!requested) {
  // eslint-disable-next-line no-console
  console.warn('Skipping the load test: `npm run test:load` runs it for a minute, .ci/run for 15 s (LOAD_SECONDS)');
}

/*
 * Load: 200 connections ask for results pages while a candidate keeps saving
 * and publishing answers. No request may fail, and no database-busy error may
 * reach anyone.
 */
describe.skipIf(!requested)('load', () => {
  const temp = tempDir();
  const dbFile = path.join(temp.dir, 'c.db');
  const env = { NODE_ENV: 'production', DATABASE_URL: `sqlite:${dbFile}`, HOST: '127.0.0.1', SEED_DEMO: 'false', COOKIE_SECURE: 'false', SECRET: 'load-test-secret-of-at-least-32-chars!!', MATCH_RATE_PER_MINUTE: '1000000',
    // The candidate here publishes as fast as the server lets them: far above a real one's hour.
    PUBLICATIONS_PER_HOUR: '100000' };
  let cookie = '';

  beforeAll(async () => {
    const config = loadConfig(env);
    const db = createDb(config.databaseUrl);
    await migrateToLatest(db);
    await seedDemo({ db, clock: systemClock });
    const candidate = await db.selectFrom('candidates').select(['id']).where('key', '=', loadFixture('demo-election.json').candidates[0]!.id).executeTakeFirstOrThrow();
    const user = await db.insertInto('users').values({ email: 'load@example.org', password_hash: null, role: 'candidate', candidate_id: candidate.id, created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow();
    cookie = `concordo_session=${await createSession({ db, clock: systemClock, config, mailer: createMailer({ db, clock: systemClock, config, logger: pino({ level: 'silent' }) }) }, user.id)}`;
    await db.destroy();
  });
  afterAll(() => temp.remove());

  it(`serves results pages at 200 connections for ${SECONDS} s while a candidate saves, with no error`, async () => {
    // A free port, so the server can log at warn level only (a log line per request would load this process).
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    await waitForHealth(`http://127.0.0.1:${port}`, child);
    const base = `http://127.0.0.1:${port}`;
    try {
      // The candidate's CSRF token, then a loop of saves and publications for the whole run.
      const page = await fetch(`${base}/candidate/questionnaire`, { headers: { cookie } });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const csrfCookie = page.headers.getSetCookie().find((c) => c.startsWith('concordo_csrf='))!.split(';')[0]!;
      const headers = { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' };
      let saving = true;
      const saves = { ok: 0, failed: 0 };
      const saver = (async () => {
        for (let i = 0; saving; i += 1) {
          const draft = await fetch(`${base}/candidate/questionnaire`, { method: 'POST', headers, redirect: 'manual', body: new URLSearchParams({ _csrf: csrf, v_s01: String(1 + (i % 5)), j_s01: `carga ${i}` }) });
          const publish = await fetch(`${base}/candidate/publish`, { method: 'POST', headers, redirect: 'manual', body: new URLSearchParams({ _csrf: csrf }) });
          if (draft.status === 303 && publish.status === 303) saves.ok += 1;
          else saves.failed += 1;
        }
      })();
      // autocannon in a process of its own, as visitors' browsers are: in this one it would compete with the saves.
      const result = await loadFromAnotherProcess(`${base}/e/serra-azul-2028/results?race=serra-azul-vereador&a=${'4251342513'.repeat(3).slice(0, 24)}`);
      saving = false;
      await saver;
      // eslint-disable-next-line no-console
      console.log(`load: ${result.requests.total} results pages in ${SECONDS} s (${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms), ${result.errors} errors (${result.timeouts} timeouts, ${result.resets} resets), ${result.non2xx} non-2xx; ${saves.ok} saves published, ${saves.failed} failed`);
      expect(result.errors).toBe(0);
      expect(result.non2xx).toBe(0);
      expect(result.requests.total).toBeGreaterThan(0);
      expect(saves.failed).toBe(0);
      expect(saves.ok).toBeGreaterThan(0);
      expect(log.join('')).not.toMatch(/SQLITE_BUSY|database is locked/);
    } finally {
      child.kill('SIGTERM');
    }
  }, 180_000);
});

async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface LoadResult {
  requests: { total: number; average: number };
  latency: { p99: number };
  errors: number;
  timeouts: number;
  resets: number;
  non2xx: number;
}

/** 200 connections for SECONDS on one address, from autocannon's command line; its JSON summary. */
async function loadFromAnotherProcess(url: string): Promise<LoadResult> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const child = spawn(process.execPath, [cli, '--connections', '200', '--duration', String(SECONDS), '--json', url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
  return JSON.parse(out) as LoadResult;
}
