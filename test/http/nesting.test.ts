import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePackageText } from '../../src/formats/election-package.js';
import { writePackage } from '../../src/services/election-packages.js';
import { csrfOf, signedInAdmin } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { dumpTables } from '../helpers/database.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * Deeply nested JSON (issue 20): `[[[[…]]]]` a hundred thousand levels deep
 * is a few hundred kilobytes, and any code walking it by recursion runs out
 * of stack. Whatever the depth, the answer is a 4xx (JSON on the API, the
 * import page on an upload), never a 500, and nothing is written.
 */

const e = 'vila-pequena-2028';
const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** Deep nesting where a value of the format is expected. */
const inAnswers = (depth: number) => `{"race":"prefeito","answers":{"s1":${arrays(depth)}}}`;
const errorsOf = (res: request.Response) => {
  const $ = cheerio.load(res.text);
  return $('#form-errors li').map((_, li) => $(li).text()).get();
};

describe('deeply nested JSON', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
  });
  afterEach(() => ctx.close());

  const match = (body: string) => request(ctx.app).post(`/api/v1/elections/${e}/match?lang=en`).set('Content-Type', 'application/json').send(body);

  it('to the match API is a 400 with a JSON error, or a 413 when the body is over its limit', async () => {
    // 30,000 levels fit in the 64 kB a match body may have.
    for (const body of [arrays(30_000), objects(10_000), inAnswers(30_000)]) {
      const res = await match(body);
      expect(res.status, body.slice(0, 12)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.error).toEqual({ code: 'too_deep', message: 'The JSON is nested too deeply.', details: { maxDepth: 32 } });
    }
    const huge = await match(arrays(100_000));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    // A body of ordinary depth is still matched.
    const ok = await match('{"race":"prefeito","answers":{"s1":5,"s2":4,"s3":1,"s4":2}}');
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.results.length).toBeGreaterThan(0);
  });

  it('in an uploaded election package shows the import page with the error, writing nothing', async () => {
    const admin: TestAgent = request.agent(ctx.app);
    await signedInAdmin(ctx, admin, 'org@example.org');
    const before = await dumpTables(ctx.db);
    const tried: Array<[string, string]> = [
      ['arrays', arrays(100_000)],
      ['objects', objects(100_000)],
      // Where the format has a free value (a statement's text), and unfinished, so that the JSON is not even valid.
      ['in a statement', `{"format":"concordo.election/1","statements":[{"id":"s1","text":${arrays(100_000)}}]}`],
      ['unfinished', '['.repeat(100_000)],
    ];
    for (const [what, text] of tried) {
      const token = csrfOf(await admin.get(`/admin/e/${e}/import`));
      const res = await admin.post(`/admin/e/${e}/import/package?_csrf=${encodeURIComponent(token)}&lang=en`).attach('file', Buffer.from(text), 'package.json');
      expect(res.status, what).toBe(400);
      expect(res.headers['content-type'], what).toMatch(/^text\/html/);
      expect(errorsOf(res), what).toEqual(['the file is nested too deeply (at most 32 levels of [ ] and { })']);
    }
    // The audit log and the rate-limit counts aside, nothing changed.
    const after = await dumpTables(ctx.db);
    for (const table of Object.keys(before).filter((t) => t !== 'rate_limits' && t !== 'sessions')) expect(after[table], table).toEqual(before[table]);
  });

  it('in a package read by the command line is a fault with its place, not a crash', () => {
    expect(parsePackageText(arrays(100_000))).toEqual({ ok: false, errors: [{ path: '', code: 'too_deep', params: { max: 32 } }] });
    // Brackets inside strings are text, not nesting.
    const pkg = loadFixture('small-election.json');
    pkg.candidates[0]!.profile = { ...pkg.candidates[0]!.profile, bio: '['.repeat(1_000) };
    expect(parsePackageText(JSON.stringify(pkg)).ok).toBe(true);
  });
});
