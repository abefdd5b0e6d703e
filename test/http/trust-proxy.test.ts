import { pino } from 'pino';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.js';

/*
 * TRUST_PROXY (issue 20): behind one reverse proxy, `1` believes the address
 * the proxy adds and nothing a client wrote before it; `true` believes the
 * first address of X-Forwarded-For, which the client writes itself, so a
 * client that changes it at every request escapes every per-address limit.
 */

const made = (letter: string) => letter.repeat(43);

describe('TRUST_PROXY', () => {
  let ctx: TestContext | undefined;
  afterEach(() => ctx?.close());

  /** An app whose warnings are kept, with three bad links allowed per address. */
  const start = async (trustProxy: string) => {
    const lines: string[] = [];
    ctx = await createTestContext({ TRUST_PROXY: trustProxy, INVITATION_MAX_FAILURES_PER_IP: '3' }, pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }));
    return { app: ctx.app, warnings: () => lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((l) => l.level === 40) };
  };
  /** A client behind one proxy that writes a new X-Forwarded-For at each request; the proxy adds the real address. */
  const spoofing = (app: TestContext['app'], n: number) =>
    request(app).get(`/candidate/invitation/${made('A')}`).set('X-Forwarded-For', `203.0.113.${n}, 198.51.100.7`);

  it('with a hop count, counts a spoofing client by the address its proxy saw, and starts without a warning', async () => {
    const { app, warnings } = await start('1');
    for (let n = 1; n <= 3; n += 1) expect((await spoofing(app, n)).status).toBe(404);
    expect((await spoofing(app, 4)).status).toBe(429);
    expect(warnings()).toEqual([]);
  });

  it('with true, warns at start that any X-Forwarded-For is believed, as a spoofing client shows', async () => {
    const { app, warnings } = await start('true');
    expect(warnings().map((w) => w.msg)).toEqual([
      'TRUST_PROXY=true believes any X-Forwarded-For, which clients can write themselves: a client can pick its address and escape per-address limits. Set the number of proxies in front (e.g. TRUST_PROXY=1) or their addresses.',
    ]);
    for (let n = 1; n <= 5; n += 1) expect((await spoofing(app, n)).status).toBe(404);
  });
});
