import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../../src/config.js';
import type { Db } from '../../../src/db/client.js';
import { systemClock, type Clock } from '../../../src/domain/clock.js';
import { startServer } from '../../../src/server.js';
import { tempDir } from '../../helpers/app.js';

/** The demo election every browser suite works on (fixtures/demo-election.json). */
export const DEMO = 'serra-azul-2028';

/** The real server, listening in this process over a temporary SQLite file with the demo election. */
export interface Site {
  /** `http://127.0.0.1:<port>`, also the server's BASE_URL. */
  base: string;
  db: Db;
  config: Config;
  clock: Clock;
  /** Waits for the server's work after its answers (e-mails written and sent after the answer). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** A port nobody listens on right now (the server needs it before it starts, for its BASE_URL). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startSite(env: Record<string, string> = {}): Promise<Site> {
  const temp = tempDir();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    BASE_URL: base,
    DATABASE_URL: `sqlite:${path.join(temp.dir, 'concordo.db')}`,
    SEED_DEMO: 'true',
    PASSWORD_SCRYPT_LOG_N: '10',
    // Plain http on 127.0.0.1: cookies without Secure, so every client (browser or request context) keeps them.
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const running = await startServer(config, pino({ level: 'silent' }));
  return {
    base,
    db: running.db,
    config,
    clock: systemClock,
    settled: () => running.settled(),
    close: async () => {
      await running.close();
      temp.remove();
    },
  };
}

/**
 * A tiny web server on another port, i.e. another origin: a third-party site
 * serving one HTML page at `/`, and recording every request it gets with the
 * `Referer` it carried.
 */
export async function startThirdPartySite(
  html: string,
): Promise<{ origin: string; requests: Array<{ url: string; referer: string | undefined }>; close(): Promise<void> }> {
  const requests: Array<{ url: string; referer: string | undefined }> = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', referer: req.headers.referer });
    if (req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
