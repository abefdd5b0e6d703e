/*
 * The framework's ceiling for `npm run bench`: Express's hello world, in a
 * process of its own like the service. Prints its port as a JSON line.
 *
 * With FLOOR_PAGE and FLOOR_JSON (files the service wrote), it also answers
 * `GET /page` and `POST /match` with those bytes, as they are: what sending
 * the results page's and the match API's answers costs with no work at all.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.send('Hello World!');
});
const { FLOOR_PAGE, FLOOR_JSON } = process.env;
if (FLOOR_PAGE && FLOOR_JSON) {
  const page = readFileSync(FLOOR_PAGE);
  const json = readFileSync(FLOOR_JSON);
  app.get('/page', (_req, res) => {
    res.type('html').end(page);
  });
  app.post('/match', express.json(), (_req, res) => {
    res.type('json').end(json);
  });
}
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
