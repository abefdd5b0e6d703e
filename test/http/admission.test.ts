import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { admission } from '../../src/web/middleware/admission.js';

/*
 * Page requests beyond the limit wait their turn in arrival order; posts and
 * downloads never wait.
 */
describe('admission', () => {
  const servers: Array<{ close: () => void }> = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  /** An app whose pages answer only when the test lets them, recording the order they started in. */
  async function holdingApp(limit: number) {
    const started: string[] = [];
    const held = new Map<string, () => void>();
    const app = express();
    app.use(admission(limit, 100));
    app.all('/{*rest}', (req, res) => {
      started.push(`${req.method} ${req.path}`);
      held.set(req.path, () => res.send('ok'));
    });
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const until = async (check: () => boolean) => {
      while (!check()) await new Promise((resolve) => setImmediate(resolve));
    };
    return { base, started, release: (path: string) => held.get(path)!(), until };
  }

  it('lets two pages run, keeps the third and fourth waiting in order, and starts them as turns free up', async () => {
    const { base, started, release, until } = await holdingApp(2);
    const responses = ['/a', '/b', '/c', '/d'].map((p) => fetch(`${base}${p}`));
    await until(() => started.length === 2);
    expect(started).toEqual(['GET /a', 'GET /b']);
    release('/b');
    await until(() => started.length === 3);
    expect(started[2]).toBe('GET /c');
    release('/a');
    await until(() => started.length === 4);
    expect(started[3]).toBe('GET /d');
    release('/c');
    release('/d');
    expect(await Promise.all(responses.map(async (r) => (await r).status))).toEqual([200, 200, 200, 200]);
  });

  it('never holds back a form post or an open-data download', async () => {
    const { base, started, release, until } = await holdingApp(1);
    const page = fetch(`${base}/page`);
    await until(() => started.length === 1);
    const post = fetch(`${base}/form`, { method: 'POST', body: 'x=1' });
    const download = fetch(`${base}/data/e.csv`);
    await until(() => started.length === 3);
    expect(started.slice(1).sort()).toEqual(['GET /data/e.csv', 'POST /form']);
    ['/page', '/form', '/data/e.csv'].forEach(release);
    expect((await Promise.all([page, post, download])).map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('starts only so many pages in one turn of the event loop, the next ones in the next turns, in order', async () => {
    // Pages answered from memory finish inside the turn that started them: the turn's budget, not the limit, holds them back.
    const admit = admission(100, 2);
    const started: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = new EventEmitter() as unknown as Response;
      admit({ method: 'GET', path: `/p${i}`, destroyed: false } as unknown as Request, res, () => {
        started.push(i);
        res.emit('finish');
      });
    }
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    await turn();
    expect(started).toEqual([0, 1, 2, 3]);
    await turn();
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });
});
