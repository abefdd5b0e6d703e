/*
 * The service under load, against the framework's own ceiling: `npm run bench`
 * (`-- --quick` for a short smoke run). Loopback only, one run, bounded time.
 *
 * 1. In-process: matching cost per candidate (bench/matching.ts), and the time
 *    and memory to load every race's answers of a national election into an
 *    ReadModel.
 * 2. Over HTTP with autocannon, each for a fixed duration at 50 connections
 *    (one request first checks each scenario and warms its caches):
 *    (a) Express's hello world in its own process, the ceiling;
 *    then the service (`node --import tsx src/server.ts`, NODE_ENV=production)
 *    on the same election: (b) the results page of a 2,000-candidate race with
 *    40 answers in the URL, and (bz) the same asked for as browsers ask
 *    (Accept-Encoding: gzip, deflate, br, zstd; brotli is chosen), (c) POST
 *    …/match for the same, (d) a statement embed for that race, (e) a
 *    signed-in candidate saving answers;
 *    then (b), (c) and (d) again with the service in two processes (WORKERS=2);
 *    then the floors, (fb) and (fc): Express answering with the very bytes of
 *    (b) and (c), read from files, and no work, which is what those answers
 *    cost to send and to read on this machine; last, (a') the ceiling again:
 *    how far the machine itself moved during the run.
 *
 * The election comes from `concordo generate` (500,000 candidates, 40
 * statements; 20,000 with --quick) in a SQLite file under the system's temp
 * folder, reused by later runs. Prints a table (requests/s, p50/p99 latency,
 * ratio to (a)) and writes test-results/bench.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createDb, type Db } from '../src/db/client.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { systemClock } from '../src/domain/clock.js';
import { seededRandom } from '../src/domain/fairness.js';
import { ReadModel } from '../src/read-model/read-model.js';
import { generateElection } from '../src/services/generate.js';
import { COMMAND_LINE, inviteCandidates } from '../src/services/invitations.js';
import { createMailer } from '../src/services/mailer.js';
import { benchMatching } from './matching.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    candidates: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string', default: '50' },
    out: { type: 'string', default: path.join(root, 'test-results', 'bench.json') },
  },
});
const quick = options.quick ?? false;
const candidates = Number(options.candidates ?? (quick ? 20_000 : 500_000));
const statements = 40;
const seed = 2028;
const slug = 'national-2028';
const duration = Number(options.duration ?? (quick ? 3 : 10));
const connections = Number(options.connections);
const log = (line: string) => process.stderr.write(`${line}\n`);
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
// With --expose-gc (npm run bench), memory is measured after a collection.
const gc = (globalThis as unknown as { gc?: () => void }).gc ?? (() => undefined);

interface Scenario {
  name: string;
  label: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ratio: number;
  requests: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** How long the service took to answer /healthz after the run: the work still queued. */
  drainMs: number;
}

const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  settings: { quick, candidates, statements, duration, connections },
};

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

// 1. Matching, in-process.
log('matching: 2,000 candidates × 40 statements, in-process…');
report.matching = benchMatching({ runs: quick ? 120 : 400 });

// 2. The election, generated once and kept.
const file = path.join(os.tmpdir(), 'concordo-bench', `${slug}-${candidates}-${statements}-${seed}.db`);
report.database = { file };
if (existsSync(file)) {
  log(`election: reusing ${file}`);
  report.generate = { reused: true };
} else {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  for (const stale of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(stale, { force: true });
  log(`election: generating ${candidates.toLocaleString('en')} candidates into ${file}…`);
  const db = createDb(`sqlite:${partial}`);
  await migrateToLatest(db);
  const started = performance.now();
  let reported = -1;
  const outcome = await generateElection({ db, clock: systemClock }, { candidates, statements, slug, seed }, (progress) => {
    const tenth = Math.floor((10 * progress.candidates) / progress.total);
    if (tenth !== reported) log(`  ${progress.candidates.toLocaleString('en')} candidates (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    reported = tenth;
  });
  if (!outcome.ok) throw new Error('generation refused');
  report.generate = { reused: false, seconds: (performance.now() - started) / 1000, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), ...outcome.summary };
  await db.destroy();
  renameSync(partial, file);
}
const databaseUrl = `sqlite:${file}`;

// The 2,000-candidate race, the voter and a candidate of that race without an account.
const db = createDb(databaseUrl);
// An election generated before a later migration is brought up to date first.
await migrateToLatest(db);
const race = await db
  .selectFrom('races')
  .innerJoin('elections', 'elections.id', 'races.election_id')
  .innerJoin('candidates', 'candidates.race_id', 'races.id')
  .select(['races.slug', (eb) => eb.fn.countAll<number>().as('size')])
  .where('elections.slug', '=', slug)
  .groupBy('races.slug')
  .orderBy('size', 'desc')
  .limit(1)
  .executeTakeFirstOrThrow();
const voterRandom = seededRandom(7);
const voter = Array.from({ length: statements }, () => 1 + Math.floor(voterRandom() * 5));
const statementKey = (s: number) => `s${String(s + 1).padStart(2, '0')}`;
report.election = { slug, race: race.slug, raceSize: Number(race.size) };

// 3. Loading every race's answers through ReadModel.
{
  log('read model: loading every race of the election…');
  gc();
  const before = process.memoryUsage();
  const started = performance.now();
  const readModel = new ReadModel(db);
  const election = await readModel.election(slug);
  if (!election) throw new Error('no election');
  let loaded = 0;
  for (const { slug: raceSlug } of election.detail.races) loaded += (await readModel.race(slug, raceSlug))?.race?.candidates.length ?? 0;
  const seconds = (performance.now() - started) / 1000;
  gc();
  const after = process.memoryUsage();
  report.cacheLoad = {
    races: election.detail.races.length,
    candidates: loaded,
    seconds,
    heapMiB: mib(after.heapUsed - before.heapUsed),
    arrayBuffersMiB: mib(after.arrayBuffers - before.arrayBuffers),
    rssMiB: mib(after.rss),
    // The read model is still referenced here, so what it holds counted above.
    held: (await readModel.race(slug, race.slug))?.race?.candidates.length,
  };
  log(`  ${loaded.toLocaleString('en')} candidates in ${election.detail.races.length.toLocaleString('en')} races: ${seconds.toFixed(1)} s`);
}

// 4. (a) The ceiling.
const scenarios: Scenario[] = [];
const hello = await startHello({});
await measure('a', 'Express hello world (ceiling)', { url: `http://127.0.0.1:${hello.port}/` });
await stopChild(hello.child);

// 5. The service.
const port = await freePort();
const logFile = path.join(path.dirname(file), 'server.log');
const started = performance.now();
const serviceEnv = {
  DATABASE_URL: databaseUrl,
  PORT: String(port),
  HOST: '127.0.0.1',
  NODE_ENV: 'production',
  SEED_DEMO: 'false',
  COOKIE_SECURE: 'false',
  // autocannon is one address: the per-address limit of the match API would answer it 429.
  MATCH_RATE_PER_MINUTE: '1000000',
  BASE_URL: `http://127.0.0.1:${port}`,
};
const server = await startChild(['--import', 'tsx', 'src/server.ts'], serviceEnv, 'service', logFile);
const base = `http://127.0.0.1:${port}`;
await waitForHealth(base, server.child);
report.startup = { secondsToHealthy: (performance.now() - started) / 1000 };
log(`service: healthy after ${(report.startup as { secondsToHealthy: number }).secondsToHealthy.toFixed(1)} s (log: ${logFile})`);

const a = voter.join('');
const resultsPath = `/e/${slug}/results?race=${race.slug}&a=${a}`;
const firstResults = performance.now();
const resultsBody = await expectStatus(fetch(`${base}${resultsPath}`), 200, 'results page');
report.firstResultsMs = performance.now() - firstResults;
await measure('b', `results page, ${race.size} candidates, 40 answers`, { url: `${base}${resultsPath}` });
// What a browser costs: every browser asks for compressed pages, and autocannon by itself does not.
await measure('bz', 'results page, compressed as browsers ask', { url: `${base}${resultsPath}`, headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });

const matchBody = JSON.stringify({ race: race.slug, answers: Object.fromEntries(voter.map((v, s) => [statementKey(s), v])) });
const matchRequest = { url: `${base}/api/v1/elections/${slug}/match`, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: matchBody };
const matchAnswer = await expectStatus(fetch(matchRequest.url, matchRequest), 200, 'match');
await measure('c', `POST …/match, ${race.size} candidates`, matchRequest);

const embedPath = `/embed/e/${slug}/statements/s01?race=${race.slug}`;
await expectStatus(fetch(`${base}${embedPath}`), 200, 'statement embed');
await measure('d', `statement embed, ${race.size} candidates`, { url: `${base}${embedPath}` });

const save = await signInCandidate(db, base, race.slug);
const form = new URLSearchParams({ _csrf: save.csrf, next: 'draft' });
voter.forEach((v, s) => form.set(`v_${statementKey(s)}`, String(6 - v)));
const saveRequest = {
  url: `${base}/candidate/questionnaire`,
  method: 'POST' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: save.cookie },
  body: form.toString(),
};
await expectStatus(fetch(saveRequest.url, { ...saveRequest, redirect: 'manual' }), 303, 'answer save');
await measure('e', 'candidate saves 40 answers', saveRequest);

report.servicePeakRssMiB = peakRssMiB(server.child);
await stopChild(server.child);

// 6. The same reads with the service in two processes (WORKERS=2): the gain of a cluster on this machine.
const workers = 2;
const clustered = await startChild(['--import', 'tsx', 'src/server.ts'], { ...serviceEnv, WORKERS: String(workers) }, 'service (cluster)', logFile);
await waitForHealth(base, clustered.child);
log(`service: ${workers} processes, healthy`);
// Each process loads the race on its first request for it.
for (let i = 0; i < 2 * workers; i += 1) await expectStatus(fetch(`${base}${resultsPath}`, { headers: { connection: 'close' } }), 200, 'results page');
await measure('b2', `results page, ${workers} processes`, { url: `${base}${resultsPath}` });
await measure('c2', `POST …/match, ${workers} processes`, matchRequest);
await measure('d2', `statement embed, ${workers} processes`, { url: `${base}${embedPath}` });
await stopChild(clustered.child);
await db.destroy();

// 7. The floors: the same bytes from Express's hello world, without any work.
const floorPage = path.join(path.dirname(file), 'floor-page.html');
const floorJson = path.join(path.dirname(file), 'floor-match.json');
writeFileSync(floorPage, resultsBody);
writeFileSync(floorJson, matchAnswer);
const floor = await startHello({ FLOOR_PAGE: floorPage, FLOOR_JSON: floorJson });
const floorBase = `http://127.0.0.1:${floor.port}`;
await measure('fb', `the bytes of (b), no work (${Math.round(resultsBody.length / 1000)} kB)`, { url: `${floorBase}/page` });
await measure('fc', `the bytes of (c), no work (${Math.round(matchAnswer.length / 1000)} kB)`, { ...matchRequest, url: `${floorBase}/match` });
// The same hello world as (a): this machine's speed moves during a run, and every ratio with it.
await measure("a'", 'Express hello world again, last', { url: `${floorBase}/` });
await stopChild(floor.child);

report.http = scenarios;
mkdirSync(path.dirname(options.out!), { recursive: true });
writeFileSync(options.out!, `${JSON.stringify(report, null, 2)}\n`);
printTable();
log(`report: ${options.out}`);

/* Helpers */

async function measure(name: string, label: string, request: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }) {
  log(`(${name}) ${label}: ${duration} s at ${connections} connections…`);
  // Slow answers count with their latency rather than as errors.
  const result = await autocannon({ ...request, connections, duration, timeout: 30 });
  // Requests still in the service when the run stops are finished before the next run starts.
  const drained = performance.now();
  await fetch(new URL('/healthz', request.url));
  const drainMs = performance.now() - drained;
  const ceiling = scenarios[0]?.requestsPerSecond ?? result.requests.average;
  scenarios.push({
    name,
    label,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ratio: result.requests.average / ceiling,
    requests: result.requests.total,
    statuses: { '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    errors: result.errors,
    timeouts: result.timeouts,
    drainMs,
  });
}

function printTable() {
  const rows = scenarios.map((s) => [
    `(${s.name}) ${s.label}`,
    s.requestsPerSecond.toFixed(0),
    s.p50Ms.toFixed(1),
    s.p99Ms.toFixed(1),
    `${(100 * s.ratio).toFixed(1)} %`,
    Object.entries(s.statuses)
      .filter(([, count]) => count > 0)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ') + (s.errors > 0 ? `, errors: ${s.errors}` : ''),
  ]);
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'vs (a)', 'responses'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w, i) => (i === 0 || i === 5 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`, ...rows.map(line)];
  const matching = report.matching as Array<{ method: string; nsPerCandidate: number; msPerRace: number }>;
  const cacheLoad = report.cacheLoad as { races: number; candidates: number; seconds: number; heapMiB: number; arrayBuffersMiB: number };
  process.stdout.write(
    `${out.join('\n')}\n\n` +
      `matching (in-process, 2,000 × 40): ${matching.map((m) => `${m.method} ${m.nsPerCandidate.toFixed(0)} ns/candidate (${m.msPerRace.toFixed(2)} ms/race)`).join('; ')}\n` +
      `ReadModel, all ${cacheLoad.races.toLocaleString('en')} races (${cacheLoad.candidates.toLocaleString('en')} candidates): ${cacheLoad.seconds.toFixed(1)} s, +${cacheLoad.heapMiB} MiB heap, +${cacheLoad.arrayBuffersMiB} MiB typed arrays\n` +
      `service: healthy ${(report.startup as { secondsToHealthy: number }).secondsToHealthy.toFixed(1)} s after spawn; first results page (cold race) ${(report.firstResultsMs as number).toFixed(0)} ms; peak RSS ${String(report.servicePeakRssMiB)} MiB\n`,
  );
}

async function startChild(args: string[], env: Record<string, string>, name: string, logTo?: string) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    // The service's JSON log lines (one per request) go to a file, not through this process.
    stdio: ['ignore', logTo ? openSync(logTo, 'w') : 'pipe', 'inherit'],
  });
  children.push(child);
  child.once('error', (error) => log(`${name}: ${error.message}`));
  return { child };
}

/** Express's hello world (bench/hello-server.ts), and the port it listens on. */
async function startHello(env: Record<string, string>) {
  const { child } = await startChild(['--import', 'tsx', 'bench/hello-server.ts'], env, 'hello');
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`hello server exited with ${code}`)));
  });
  return { child, port };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !exited) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the service did not become healthy');
}

/** The answer's body, once its status is the one expected. */
async function expectStatus(response: Promise<Response>, status: number, what: string): Promise<Buffer> {
  const res = await response;
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${body.toString().slice(0, 500)}`);
  return body;
}

/** Accepts an invitation as a candidate of the race, as test/http/candidate.test.ts does: the session cookie and the form's CSRF token. */
async function signInCandidate(database: Db, url: string, raceSlug: string): Promise<{ cookie: string; csrf: string }> {
  const candidate = await database
    .selectFrom('candidates')
    .innerJoin('races', 'races.id', 'candidates.race_id')
    .leftJoin('users', 'users.candidate_id', 'candidates.id')
    .select('candidates.key')
    .where('races.slug', '=', raceSlug)
    .where('users.id', 'is', null)
    .orderBy('candidates.id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const config = loadConfig({ DATABASE_URL: databaseUrl, BASE_URL: url });
  const mailer = createMailer({ config, db: database, clock: systemClock, logger: pino({ level: 'silent' }) });
  const invited = await inviteCandidates({ db: database, clock: systemClock, config, mailer }, { election: slug, candidate: candidate.key, by: COMMAND_LINE });
  if (!invited.ok || invited.invitations.length !== 1) throw new Error('no invitation');
  const jar = new Map<string, string>();
  const go = async (target: string, init: RequestInit = {}) => {
    const res = await fetch(new URL(target, url), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [key, value] = pair!.split('=');
      jar.set(key!, value!);
    }
    return res;
  };
  const csrfOf = async (res: Response) => {
    const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1];
    if (!token) throw new Error('no CSRF token');
    return token;
  };
  await go(new URL(invited.invitations[0]!.link).pathname);
  const password = 'a bench passphrase nobody uses 2028';
  const welcome = await go('/candidate/welcome');
  const accepted = await go('/candidate/welcome', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: await csrfOf(welcome), email: `bench-${Date.now()}@example.org`, password, confirm: password }).toString(),
  });
  if (accepted.status !== 303) throw new Error(`sign-in: ${accepted.status}`);
  const csrf = await csrfOf(await go('/candidate/questionnaire'));
  return { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), csrf };
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function peakRssMiB(child: ChildProcess): number | null {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kib ? Math.round(Number(kib) / 1024) : null;
  } catch {
    return null;
  }
}
