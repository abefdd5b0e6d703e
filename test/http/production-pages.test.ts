import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { bumpDataVersion, bumpRaceVersion } from '../../src/db/repositories/elections.js';
import { seededRandom } from '../../src/domain/fairness.js';
import { writePackage } from '../../src/services/election-packages.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * With production settings (NODE_ENV=production: templates cached, everything
 * the read model keeps kept), every page type a voter or a reader opens must
 * be what a process that kept nothing writes for that request alone: no
 * voter's answers, and nothing of an earlier request, in the next one's page.
 * Each page is asked for by one voter, then by another; the second answer is
 * compared, byte for byte, with a fresh app's (nothing kept, nothing warmed).
 */

const ELECTION = 'serra-azul-2028';
const RACE = 'serra-azul-vereador';
// Two voters with the same count of answers, and one who skipped half.
const FIRST = '123451234512345123451234';
const SECOND = '543215432154321543215432';
const SKIPPER = '------------432154321543';

/** Every page type of SPEC §3 that a voter or a reader opens, for one voter's answers (`a`) where a page takes them. */
const pages = (a: string): Array<{ name: string; path: string; headers?: Record<string, string> }> => [
  { name: 'home', path: '/' },
  { name: 'election', path: `/e/${ELECTION}` },
  { name: 'quiz', path: `/e/${ELECTION}/quiz?race=${RACE}&a=${a}` },
  { name: 'results', path: `/e/${ELECTION}/results?race=${RACE}&a=${a}&seed=7` },
  { name: 'results, whole list, English', path: `/e/${ELECTION}/results?race=${RACE}&a=${a}&seed=7&all=1&lang=en` },
  { name: 'results, Spanish by the browser', path: `/e/${ELECTION}/results?race=${RACE}&a=${a}&seed=7`, headers: { 'accept-language': 'es' } },
  { name: 'results, filtered, weighted', path: `/e/${ELECTION}/results?race=${RACE}&a=${a}&w=211111111111111111111110&seed=7&party=terra-viva&ans=yes&m=euclidean&miss=neutral` },
  { name: 'embedded quiz', path: `/embed/e/${ELECTION}/quiz?race=${RACE}&a=${a}` },
  { name: 'embedded results', path: `/embed/e/${ELECTION}/results?race=${RACE}&a=${a}&seed=7` },
  { name: 'race', path: `/e/${ELECTION}/races/${RACE}?seed=7` },
  { name: 'candidate', path: `/e/${ELECTION}/candidates/c001` },
  { name: 'compare', path: `/e/${ELECTION}/compare?c=c001,c002&race=${RACE}&a=${a}` },
  { name: 'card', path: `/e/${ELECTION}/card?c=c001` },
  { name: 'statement', path: `/e/${ELECTION}/statements/s01?race=${RACE}&seed=7` },
  { name: 'transparency', path: `/e/${ELECTION}/transparency` },
  { name: 'elected', path: `/e/${ELECTION}/elected?seed=7` },
  { name: 'methodology', path: '/methodology' },
  { name: 'data', path: '/data' },
  { name: 'statement widget', path: `/embed/e/${ELECTION}/statements/s01?race=${RACE}` },
  { name: 'statement widget, English', path: `/embed/e/${ELECTION}/statements/s01?race=${RACE}&lang=en` },
  { name: 'statement widget, Spanish by the browser', path: `/embed/e/${ELECTION}/statements/s01?race=${RACE}`, headers: { 'accept-language': 'es' } },
  { name: 'candidate widget', path: `/embed/e/${ELECTION}/candidates/c001` },
  { name: 'elected widget', path: `/embed/e/${ELECTION}/elected?seed=7` },
  { name: 'API: election', path: `/api/v1/elections/${ELECTION}` },
  { name: 'API: candidates', path: `/api/v1/elections/${ELECTION}/candidates?race=${RACE}` },
];

describe('pages with production settings', () => {
  let ctx: TestContext;
  /** An app over the same database that has kept nothing: a fresh one for each reference page. */
  const fresh = () => createApp({ config: ctx.config, db: ctx.db, clock: ctx.clock, logger: pino({ level: 'silent' }), random: seededRandom(42), secret: 'test-secret-of-at-least-32-characters!' });

  beforeAll(async () => {
    ctx = await createTestContext({ NODE_ENV: 'production' });
    expect(ctx.app.enabled('view cache')).toBe(true);
    expect((await writePackage(ctx, { pkg: loadFixture('demo-election.json'), actor: 'test' })).ok).toBe(true);
  });
  afterAll(() => ctx.close());

  const fetchText = async (app: ReturnType<typeof createApp>, page: { path: string; headers?: Record<string, string> }) => {
    const res = await request(app).get(page.path).set(page.headers ?? {});
    expect(res.status, page.path).toBe(200);
    return res.text;
  };

  it('gives every voter and reader the page written for their request alone', async () => {
    for (const [before, after] of [
      [FIRST, SECOND],
      [SECOND, SKIPPER],
      [SKIPPER, FIRST],
    ] as const) {
      const earlier = pages(before);
      const later = pages(after);
      for (const [i, page] of later.entries()) {
        // The production app has served the page (and every other) to the earlier voter.
        await fetchText(ctx.app, earlier[i]!);
        const served = await fetchText(ctx.app, page);
        expect(served, page.name).toBe(await fetchText(fresh(), page));
        expect(served, page.name).not.toContain(before);
      }
    }
  });

  it('shows a change to a race or to the election on the next page', async () => {
    const path = `/e/${ELECTION}/results?race=${RACE}&a=${FIRST}&seed=7&lang=en`;
    const before = await fetchText(ctx.app, { path });
    const race = await ctx.db.selectFrom('races').select(['id', 'election_id']).where('slug', '=', RACE).executeTakeFirstOrThrow();
    // A candidate declares a gender no one in the race had: the filter offers it.
    expect(before).not.toContain('agênero');
    const candidate = await ctx.db.selectFrom('candidates').select('id').where('race_id', '=', race.id).executeTakeFirstOrThrow();
    await ctx.db.updateTable('candidates').set({ gender: 'agênero' }).where('id', '=', candidate.id).execute();
    await bumpRaceVersion(ctx.db, race.id);
    expect(await fetchText(ctx.app, { path })).toContain('<option value="agênero">agênero</option>');
    // An organizer renames a party: the results show the new name.
    await ctx.db.updateTable('parties').set({ name: 'Terra Viva Renovada' }).where('slug', '=', 'terra-viva').where('election_id', '=', race.election_id).execute();
    await bumpDataVersion(ctx.db, race.election_id);
    expect(await fetchText(ctx.app, { path })).toContain('Terra Viva Renovada');
  });
});
