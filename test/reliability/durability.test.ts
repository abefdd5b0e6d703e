import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { createDb } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seededRandom } from '../../src/domain/fairness.js';
import { createSession } from '../../src/services/auth.js';
import { writePackage } from '../../src/services/election-packages.js';
import { createMailer } from '../../src/services/mailer.js';
import { loadConfig } from '../../src/config.js';
import { pino } from 'pino';
import { systemClock } from '../../src/domain/clock.js';
import { tempDir } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CANDIDATES = 200;
const ROUNDS = 10;

/*
 * Durability: 200 candidates publish changes at once; the server is killed
 * with SIGKILL at a random moment, ten times. Every publication the server
 * acknowledged (its 303 reached the client) must be in the history exactly
 * once afterwards, the database must pass SQLite's integrity check, and the
 * history chain must verify.
 */
describe('durability under SIGKILL', () => {
  const temp = tempDir();
  const dbFile = path.join(temp.dir, 'c.db');
  const env = { NODE_ENV: 'test', DATABASE_URL: `sqlite:${dbFile}`, HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO: 'false', SECRET: 'durability-test-secret-of-32-characters!' };
  const sessions: Array<{ key: string; cookie: string; csrf?: string; csrfCookie?: string }> = [];

  beforeAll(async () => {
    const config = loadConfig(env);
    const db = createDb(config.databaseUrl);
    await migrateToLatest(db);
    const pkg = loadFixture('small-election.json');
    const template = pkg.candidates[3]!;
    pkg.candidates = Array.from({ length: CANDIDATES }, (_, i) => ({ ...template, id: `k${i}`, officialId: `9${i}`, name: `Candidata ${i}`, ballotNumber: String(70000 + i) }));
    expect((await writePackage({ db, clock: systemClock }, { pkg, actor: 'test' })).ok).toBe(true);
    const deps = { db, clock: systemClock, config, mailer: createMailer({ db, clock: systemClock, config, logger: pino({ level: 'silent' }) }) };
    const candidates = await db.selectFrom('candidates').select(['id', 'key']).execute();
    for (const c of candidates) {
      const user = await db
        .insertInto('users')
        .values({ email: `${c.key}@example.org`, password_hash: null, role: 'candidate', candidate_id: c.id, created_at: new Date().toISOString() })
        .returning('id')
        .executeTakeFirstOrThrow();
      sessions.push({ key: c.key, cookie: `concordo_session=${await createSession(deps, user.id)}` });
    }
    await db.destroy();
  });
  afterAll(() => temp.remove());

  function start(): Promise<{ child: ChildProcess; port: number }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.includes('"listening"'));
        if (line) resolve({ child, port: (JSON.parse(line) as { address: { port: number } }).address.port });
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
  }

  it(`keeps every acknowledged save through ${ROUNDS} kills`, async () => {
    const random = seededRandom(2028);
    const acknowledged: string[] = [];
    let sent = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const { child, port } = await start();
      const base = `http://127.0.0.1:${port}`;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // CSRF tokens are bound to the session and signed with the stored secret: fetch once, valid across restarts.
      if (round === 0) {
        await Promise.all(
          sessions.map(async (s) => {
            const res = await fetch(`${base}/candidate/questionnaire`, { headers: { cookie: s.cookie } });
            const html = await res.text();
            s.csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
            s.csrfCookie = res.headers.getSetCookie().find((c) => c.startsWith('concordo_csrf='))!.split(';')[0];
          }),
        );
      }
      const killAfter = 20 + Math.floor(random() * 150);
      let done = 0;
      const save = async (s: (typeof sessions)[number]) => {
        const mark = `r${round}-${s.key}`;
        const headers = { cookie: `${s.cookie}; ${s.csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' };
        const value = round % 2 === 0 ? '2' : '4';
        try {
          const draft = await fetch(`${base}/candidate/questionnaire`, { method: 'POST', headers, redirect: 'manual', body: new URLSearchParams({ _csrf: s.csrf!, v_s1: value, j_s1: mark }) });
          if (draft.status !== 303) return;
          sent += 1;
          const publish = await fetch(`${base}/candidate/publish`, { method: 'POST', headers, redirect: 'manual', body: new URLSearchParams({ _csrf: s.csrf! }) });
          if (publish.status === 303) acknowledged.push(mark);
        } catch {
          // The server died under this request: not acknowledged.
        } finally {
          done += 1;
          if (done === killAfter) child.kill('SIGKILL');
        }
      };
      await Promise.all(sessions.map(save));
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }

    const db = new SQLite(dbFile);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const marks = db
      .prepare(
        `select t.text as mark, count(*) as n from answer_history h
         join justification_texts t on t.candidate_id = h.candidate_id and t.statement_id = h.statement_id and t.sha256 = h.new_text_sha256
         group by t.text`,
      )
      .all() as Array<{ mark: string; n: number }>;
    db.close();
    const found = new Map(marks.map((m) => [m.mark, m.n]));
    for (const mark of acknowledged) expect(found.get(mark), mark).toBe(1);
    let out = '';
    const verify = await runCli(['verify'], { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: { DATABASE_URL: `sqlite:${dbFile}`, LANG: 'en_US.UTF-8' } });
    expect(verify, out).toBe(0);
    // eslint-disable-next-line no-console
    console.log(`durability: ${ROUNDS} rounds killed, ${sent} saves sent, ${acknowledged.length} acknowledged, all found once; integrity ok; chain verified`);
    expect(acknowledged.length).toBeGreaterThan(ROUNDS * 10);
  }, 240_000);
});
