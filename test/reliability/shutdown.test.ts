import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const REQUEST = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

/*
 * Shutdown: every request a client has sent on a connection the server
 * accepted is answered, whatever the moment the SIGTERM comes, and the process
 * still exits 0. The requests are written by hand on raw sockets, so the test
 * knows that each one has left (the kernel has it) before the signal is sent.
 * No assertion is about time: a loaded machine only makes the test slower.
 */
describe('shutdown', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(env: Record<string, string> = {}) {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, SEED_DEMO: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = (msg: string) =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg: string; address?: { port: number } })
        .filter((line) => line.msg === msg);
    const processes = Number(env.WORKERS ?? 1);
    await expect.poll(() => (child.exitCode === null ? lines('listening').length : -1), { timeout: 30_000 }).toBe(processes);
    /** Resolves once `count` processes have logged that they are shutting down. */
    const draining = (count: number) => expect.poll(() => lines('shutting down').length, { timeout: 10_000, interval: 5 }).toBe(count);
    return { child, port: lines('listening')[0]!.address!.port, exited, draining };
  }

  it.each([1, 2])('answers every request on idle keep-alive connections, sent as the SIGTERM comes or on the wire while it is handled, and exits 0 (WORKERS=%i)', async (workers) => {
    const server = await start({ WORKERS: String(workers) });
    const connections = await Promise.all(Array.from({ length: 20 }, () => openConnection(server.port)));
    await warm(connections);
    const before = connections.slice(0, 10);
    const after = connections.slice(10);

    const answers = connections.map((connection) => connection.next());
    await Promise.all(before.map((connection) => connection.write(REQUEST)));
    server.child.kill('SIGTERM');
    // As over a real network, where a request sent before the signal can arrive after it: these leave
    // once every process has begun to shut down (the first process, and each server process under it).
    // The one thing the test takes on time: they arrive within the server's grace period (a second).
    await server.draining(workers === 1 ? 1 : 1 + workers);
    await Promise.all(after.map((connection) => connection.write(REQUEST)));
    const outcomes = await Promise.all(answers);
    report(`20 idle keep-alive connections, 10 requests sent before the signal and 10 after, WORKERS=${workers}`, outcomes);
    // Those that arrived during the drain were told to open no further requests on their connection.
    expect(outcomes.slice(10)).toEqual(after.map(() => ({ status: 200, close: true })));
    expect(await server.exited).toBe(0);
  });

  it('answers requests sent just before the SIGTERM on fresh and on idle connections, and idle connections do not hold up the exit', async () => {
    const server = await start();
    const reused = await Promise.all(Array.from({ length: 10 }, () => openConnection(server.port)));
    const quiet = await Promise.all(Array.from({ length: 5 }, () => openConnection(server.port)));
    await warm([...reused, ...quiet]);

    const answers = reused.map((connection) => connection.next());
    const writes = reused.map((connection) => connection.write(REQUEST));
    // Opened just now: open for the client, but on a busy machine the end of the handshake can still be
    // in the kernel's queue when the signal comes, the server not knowing of the connection yet.
    const fresh = await Promise.all(Array.from({ length: 10 }, () => openConnection(server.port)));
    answers.push(...fresh.map((connection) => connection.next()));
    writes.push(...fresh.map((connection) => connection.write(REQUEST)));
    await Promise.all(writes);
    server.child.kill('SIGTERM');
    report('10 idle and 10 fresh connections', await Promise.all(answers));
    // The quiet ones, idle with 65 s of keep-alive left, are closed by the server, and the exit is clean.
    await Promise.all(quiet.map((connection) => connection.closed));
    expect(await server.exited).toBe(0);
  });

  it('waits for a request that has begun to arrive when idle connections are closed, and answers it with Connection: close', async () => {
    const server = await start();
    const [early, quiet] = await Promise.all([openConnection(server.port), openConnection(server.port)]);
    await warm([early, quiet]);

    const answer = early.next();
    await early.write(REQUEST.slice(0, 20));
    server.child.kill('SIGTERM');
    // The quiet connection is closed once the server has given up waiting for a request on it;
    // the other one has the start of a request and stays open for the rest.
    await quiet.closed;
    await early.write(REQUEST.slice(20));
    expect(await answer).toEqual({ status: 200, close: true });
    await early.closed;
    expect(await server.exited).toBe(0);
  });
});

type Outcome = { status: number; close: boolean } | { failure: string };

interface Connection {
  /** Writes the bytes; resolves once the kernel has them (or the connection has failed). */
  write(bytes: string): Promise<void>;
  /** The next response on this connection, or how the connection failed before it. */
  next(): Promise<Outcome>;
  /** Resolves when the connection is closed. */
  closed: Promise<void>;
}

/** A keep-alive HTTP/1.1 connection driven by hand: responses are read by Content-Length. */
function openConnection(port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buffer = Buffer.alloc(0);
    let failure: string | null = null;
    const waiting: Array<(outcome: Outcome) => void> = [];
    const parse = () => {
      while (waiting.length > 0) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1').split('\r\n');
        const header = (name: string) => head.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
        const length = Number(header('content-length'));
        if (!Number.isInteger(length)) throw new Error(`a response without Content-Length: ${head.join(' | ')}`);
        if (buffer.length < end + 4 + length) return;
        buffer = buffer.subarray(end + 4 + length);
        waiting.shift()!({ status: Number(head[0]!.split(' ')[1]), close: header('connection')?.toLowerCase() === 'close' });
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      parse();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (failure ??= error.code ?? error.message));
    const closed = new Promise<void>((done) =>
      socket.on('close', () => {
        for (const answer of waiting.splice(0)) answer({ failure: failure ?? 'closed with no response' });
        done();
      }),
    );
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({
        write: (bytes) => new Promise((done) => socket.write(bytes, () => done())),
        next: () =>
          new Promise((answer) => {
            if (socket.destroyed) answer({ failure: failure ?? 'closed with no response' });
            else waiting.push(answer);
          }),
        closed,
      });
    });
  });
}

/** One request on each connection, answered and kept alive: the connections are then idle. */
async function warm(connections: Connection[]): Promise<void> {
  const answers = connections.map((connection) => connection.next());
  await Promise.all(connections.map((connection) => connection.write(REQUEST)));
  expect(await Promise.all(answers)).toEqual(connections.map(() => ({ status: 200, close: false })));
}

/** Prints how many requests were answered and how the others failed, then expects all answered. */
function report(what: string, outcomes: Outcome[]): void {
  const answered = outcomes.filter((outcome) => 'status' in outcome && outcome.status === 200).length;
  const failures = new Map<string, number>();
  for (const outcome of outcomes) {
    const failure = 'failure' in outcome ? outcome.failure : 'status' in outcome && outcome.status !== 200 ? `status ${outcome.status}` : null;
    if (failure !== null) failures.set(failure, (failures.get(failure) ?? 0) + 1);
  }
  const failed = [...failures].map(([how, count]) => `${count} ${how}`).join(', ');
  // eslint-disable-next-line no-console
  console.log(`shutdown (${what}): ${answered} of ${outcomes.length} answered${failed ? `; ${failed}` : ''}`);
  expect(answered).toBe(outcomes.length);
}
