import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, skipOnPostgres, tempDir } from '../helpers/database.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts `node --import tsx src/server.ts` as `npm start` does, and waits for it to listen. */
function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of stdout.split('\n')) {
        if (!line.includes('"listening"')) continue;
        resolve((JSON.parse(line) as { address: { port: number } }).address.port);
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${stderr}${stdout}`)));
  });
  // A server that is expected to fail never listens; that is not an unhandled rejection.
  listening.catch(() => undefined);
  return { child, listening, exited, output: () => stdout + stderr };
}

describe('the server', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('runs SQLite in WAL mode with foreign keys and commits synced by the service (synchronous=NORMAL)', async (test) => {
    skipOnPostgres(test, 'these are SQLite PRAGMAs; PostgreSQL always enforces foreign keys, and its durability is the server’s configuration');
    const temp = tempDir();
    cleanups.push(temp.remove);
    const config = loadConfig({
      DATABASE_URL: `sqlite:${path.join(temp.dir, 'c.db')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
    });
    const running: RunningServer = await startServer(config, pino({ level: 'silent' }));
    cleanups.push(() => running.close());
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(running.db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    // synchronous: 1 is NORMAL; writes are acknowledged after the service's own sync of the log (test/unit/group-sync.test.ts).
    expect(await pragma('synchronous')).toBe(1);
    expect(Number(await pragma('busy_timeout'))).toBeGreaterThan(0);
  });

  it('starts as `npm start` does, with the demo election on first run, and stops cleanly on SIGTERM', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const server = startProcess({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url });
    cleanups.push(() => server.child.kill('SIGKILL'));
    const port = await server.listening;
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    for (const lang of ['pt-BR', 'es', 'en']) {
      const page = await fetch(`${base}/e/serra-azul-2028?lang=${lang}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`<html lang="${lang}">`);
    }

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"shutting down"');
  });

  it('finishes requests in flight on SIGTERM, refuses new connections, and exits 0', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const server = startProcess({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(temp.dir, 'c.db')}` });
    cleanups.push(() => server.child.kill('SIGKILL'));
    const port = await server.listening;
    // A download the client does not read yet: the response is in flight when the signal comes.
    const body = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/data/serra-azul-2028.csv' }, (res) => {
        res.pause();
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        server.child.kill('SIGTERM');
        // Resume reading only once the server refuses new connections.
        const probe = () => {
          const socket = net.connect({ host: '127.0.0.1', port });
          socket.on('connect', () => {
            socket.destroy();
            setImmediate(probe);
          });
          socket.on('error', () => res.resume());
        };
        probe();
      });
      req.on('error', reject);
    });
    const response = await body;
    expect(response.status).toBe(200);
    // Complete: the header and one line per published candidate × statement of the demo (40 × 24).
    expect(response.text.trim().split('\n')).toHaveLength(1 + 40 * 24);
    expect(await server.exited).toBe(0);
  });

  it('runs WORKERS processes on one port, replaces one that dies, and stops them all on SIGTERM', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const server = startProcess({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, WORKERS: '2' });
    cleanups.push(() => server.child.kill('SIGKILL'));
    const port = await server.listening;
    const logLines = () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg: string; pid: number; worker?: number; req?: { path: string } });
    // Each request on a connection of its own: the connections go to the processes in turn.
    const get = (target: string) =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: target, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
    const servedBy = async () => {
      const statuses = await Promise.all(Array.from({ length: 8 }, () => get('/e/serra-azul-2028')));
      expect(statuses.every((status) => status === 200)).toBe(true);
      // The log is written as each request ends: wait for all eight lines.
      await expect.poll(() => logLines().filter((l) => l.req?.path === '/e/:election').length, { timeout: 5_000 }).toBeGreaterThanOrEqual(8);
      return new Set(logLines().filter((l) => l.req?.path === '/e/:election').map((l) => l.pid));
    };
    await expect.poll(() => logLines().filter((l) => l.msg === 'listening').length, { timeout: 20_000 }).toBe(2);
    const first = await servedBy();
    expect(first.size).toBe(2);
    // The demo election was loaded once, by the process that starts the others.
    expect(logLines().filter((l) => l.msg === 'demo election loaded')).toHaveLength(1);

    const [victim] = first;
    process.kill(victim!, 'SIGKILL');
    await expect.poll(() => logLines().filter((l) => l.msg === 'listening').length, { timeout: 20_000 }).toBe(3);
    expect(logLines().filter((l) => l.msg === 'server process ended; starting another').map((l) => l.worker)).toEqual([victim]);
    expect(await get('/healthz')).toBe(200);

    const listeners = logLines()
      .filter((l) => l.msg === 'listening')
      .map((l) => l.pid)
      .filter((pid) => pid !== victim);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    for (const pid of listeners) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('installs a working `concordo` command', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const child = spawn(process.execPath, ['bin/concordo.js', 'migrate'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LANG: 'en_US.UTF-8', DATABASE_URL: database.url },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    expect(stdout).toMatch(/Database is up to date \([1-9]\d* migrations? applied now\)\./);
  });

  it('refuses to start on a bad setting, naming it', async () => {
    const server = startProcess({ PORT: 'eighty' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('PORT: must be a port number (got "eighty")');
  });
});
