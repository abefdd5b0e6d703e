import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { csrfOf, signedInAdmin } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { dumpTables } from '../helpers/database.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * The import page of one election only imports into that election (issue 20).
 */

const errorsOf = (res: request.Response) => {
  const $ = cheerio.load(res.text);
  return $('#form-errors li').map((_, li) => $(li).text()).get();
};

describe('a package uploaded on another election’s import page', () => {
  let ctx: TestContext;
  let admin: TestAgent;
  /** Election Y, whose page the organizer is on; the package is for election X. */
  const y = 'vila-pequena-2028';
  const x = 'vila-grande-2028';

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    admin = request.agent(ctx.app);
    await signedInAdmin(ctx, admin, 'org@example.org');
  });
  afterEach(() => ctx.close());

  const upload = async (slug: string, text: string) => {
    const token = csrfOf(await admin.get(`/admin/e/${slug}/import`));
    return admin.post(`/admin/e/${slug}/import/package?_csrf=${encodeURIComponent(token)}&lang=en`).attach('file', Buffer.from(text), 'package.json');
  };
  /** The small fixture made election X's, its parts in the order given and its first topic renamed. */
  const packageForX = (input: { order: string[]; firstTopic: string }) => {
    const pkg = loadFixture('small-election.json') as unknown as Record<string, unknown>;
    (pkg.election as { slug: string }).slug = x;
    const topics = pkg.topics as Array<{ slug: string }>;
    const statements = pkg.statements as Array<{ topic: string }>;
    for (const s of statements) if (s.topic === topics[0]!.slug) s.topic = input.firstTopic;
    topics[0]!.slug = input.firstTopic;
    return JSON.stringify(Object.fromEntries(input.order.map((key) => [key, pkg[key]])));
  };
  const order = ['format', 'topics', 'statements', 'races', 'parties', 'candidates', 'election'];

  it('is refused, naming the package’s election, when the first "slug" of the text is a topic’s', async () => {
    // The first "slug" in the file is a topic's, and it is this page's election's slug.
    const text = packageForX({ order, firstTopic: y });
    expect(/"slug"\s*:\s*"([^"]*)"/.exec(text)?.[1]).toBe(y);
    const before = await dumpTables(ctx.db);
    const res = await upload(y, text);
    expect(res.status).toBe(400);
    expect(errorsOf(res)).toEqual([`This package is for the election “${x}”, not this one.`]);
    const after = await dumpTables(ctx.db);
    expect(after.elections).toEqual(before.elections);
    expect(after.candidates).toEqual(before.candidates);
  });

  it('is refused when its "slug" keys are written with an escape, so that the text shows none', async () => {
    // `"\u0073lug"` is the key "slug" to a JSON reader, but not to a search of the text.
    const pkg = loadFixture('small-election.json');
    pkg.election.slug = x;
    const text = JSON.stringify(pkg).replaceAll('"slug":', '"\\u0073lug":');
    expect(JSON.parse(text)).toEqual(pkg);
    expect(text).not.toContain('"slug"');
    const res = await upload(y, text);
    expect(res.status).toBe(400);
    expect(errorsOf(res)).toEqual([`This package is for the election “${x}”, not this one.`]);
    expect(await ctx.db.selectFrom('elections').select('slug').orderBy('slug').execute()).toEqual([{ slug: y }]);
  });

  it('is imported on its own election’s page, whatever the order of its parts', async () => {
    const created = await writePackage(ctx, { pkg: { ...loadFixture('small-election.json'), election: { ...loadFixture('small-election.json').election, slug: x } }, actor: 'test' });
    expect(created.ok).toBe(true);
    const res = await upload(x, packageForX({ order, firstTopic: y }));
    expect(res.status, errorsOf(res).join('\n')).toBe(303);
    const topics = await ctx.db.selectFrom('topics').innerJoin('elections', 'elections.id', 'topics.election_id').select('topics.slug').where('elections.slug', '=', x).orderBy('topics.position').execute();
    expect(topics.map((t) => t.slug)).toEqual([y, 'contas']);
  });
});
