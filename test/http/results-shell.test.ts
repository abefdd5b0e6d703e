import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bumpDataVersion, bumpRaceVersion } from '../../src/db/repositories/elections.js';
import { writePackage } from '../../src/services/election-packages.js';
import { VoterStrings } from '../../src/web/render.js';
import { Recent } from '../../src/web/recent.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * A results page is rendered once per everything it shows but the voter's
 * answers, and reused for the next voter (src/web/render.ts, `renderKept`).
 * Every page here must be, byte for byte, the page Handlebars writes for that
 * voter alone: the reference is rendered with the voter's strings in place of
 * the markers, so nothing is shared between voters.
 */
describe('results pages kept between voters', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
    // As in production: pages are kept only where templates are.
    ctx.app.enable('view cache');
    expect((await writePackage(ctx, { pkg: loadFixture('demo-election.json'), actor: 'test' })).ok).toBe(true);
  });
  afterAll(() => ctx.close());

  // Two voters with the same number of answers (the count is on the page): their pages share a rendering.
  const first = '123451234512345123451234';
  const second = '543215432154321543215432';
  const variants: Array<{ name: string; path: string; headers?: Record<string, string> }> = [
    { name: 'the site', path: '/e/serra-azul-2028/results?race=serra-azul-vereador' },
    { name: 'another race', path: '/e/serra-azul-2028/results?race=serra-azul-prefeito' },
    { name: 'the embed', path: '/embed/e/serra-azul-2028/results?race=serra-azul-vereador' },
    { name: 'an explicit language', path: '/e/serra-azul-2028/results?race=serra-azul-vereador&lang=en' },
    // The default language, asked for: the links keep ?lang=.
    { name: 'the default language, explicit', path: '/e/serra-azul-2028/results?race=serra-azul-vereador&lang=pt-BR' },
    { name: 'a negotiated language', path: '/e/serra-azul-2028/results?race=serra-azul-vereador', headers: { 'accept-language': 'es' } },
    { name: 'another method and policy', path: '/e/serra-azul-2028/results?race=serra-azul-vereador&m=euclidean&miss=neutral' },
    { name: 'a filter', path: '/e/serra-azul-2028/results?race=serra-azul-vereador&party=terra-viva&ans=yes' },
    { name: 'the whole list', path: '/e/serra-azul-2028/results?race=serra-azul-vereador&all=1' },
    { name: 'weights', path: '/e/serra-azul-2028/results?race=serra-azul-vereador&w=211111111111111111111110' },
  ];
  const voters = [first, second, `${first.slice(0, 12)}------------`, `------------${second.slice(12)}`];
  const url = (path: string, a: string) => `${path}&a=${a}&seed=7`;
  const fetchPage = async (path: string, headers: Record<string, string> = {}) => {
    const res = await request(ctx.app).get(path).set(headers);
    expect(res.status, path).toBe(200);
    return res.text;
  };

  /** Pages rendered with nothing kept at all: no markers, no kept page, filter form or row parts. */
  const keepingNothing = () => {
    const spies = [
      vi.spyOn(VoterStrings.prototype, 'mark').mockImplementation((value: string) => value),
      vi.spyOn(Recent.prototype, 'find').mockReturnValue(undefined),
      vi.spyOn(Recent.prototype, 'get').mockImplementation((_key: string, make: () => unknown) => make()),
    ];
    return () => spies.forEach((spy) => spy.mockRestore());
  };

  it('writes each voter’s page as Handlebars would for that voter alone, in every language, place and setting', async () => {
    const reference = new Map<string, string>();
    const restore = keepingNothing();
    for (const variant of variants) {
      for (const a of voters) reference.set(`${variant.name}|${a}`, await fetchPage(url(variant.path, a), variant.headers));
    }
    restore();

    // Every variant after every other, each voter after another voter of the same variant.
    for (const variant of variants) {
      for (const a of [...voters, ...voters.reverse()]) {
        expect(await fetchPage(url(variant.path, a), variant.headers), `${variant.name}, a=${a}`).toBe(reference.get(`${variant.name}|${a}`));
      }
    }
  });

  it('keeps no page that tells which statements its voter skipped', async () => {
    const kept = vi.spyOn(Recent.prototype, 'keep');
    const keptPages = () => kept.mock.calls.filter(([key]) => key.startsWith('pages/results')).length;
    // Only s03, s05, s12, s16 and s18: c021 and c033 answered others, so they are unranked for this voter alone.
    const path = '/e/serra-azul-2028/results?race=serra-azul-vereador&m=agreement';
    const page = await fetchPage(url(path, '--3-3------3---3-3------'));
    expect(page).toContain('c021');
    expect(keptPages()).toBe(0);
    // A voter for whom only the candidates without any answer are unranked: that page is kept.
    await fetchPage(url(path, first));
    expect(keptPages()).toBe(1);
    kept.mockRestore();
  });

  it('keeps nothing where templates are read again on each render (development)', async () => {
    const kept = vi.spyOn(Recent.prototype, 'keep');
    ctx.app.disable('view cache');
    try {
      await fetchPage(url('/e/serra-azul-2028/results?race=serra-azul-vereador&m=euclidean&miss=neutral&lang=es', first));
      expect(kept.mock.calls.filter(([key]) => key.startsWith('pages/results'))).toEqual([]);
    } finally {
      ctx.app.enable('view cache');
      kept.mockRestore();
    }
  });

  it('shows a change to the race or the election at once', async () => {
    const path = '/e/serra-azul-2028/results?race=serra-azul-vereador&lang=en';
    const before = await fetchPage(url(path, first));
    const race = await ctx.db.selectFrom('races').select(['id', 'election_id']).where('slug', '=', 'serra-azul-vereador').executeTakeFirstOrThrow();
    // A candidate declares a gender no one in the race had: the filter offers it.
    expect(before).not.toContain('agênero');
    const candidate = await ctx.db.selectFrom('candidates').select('id').where('race_id', '=', race.id).executeTakeFirstOrThrow();
    await ctx.db.updateTable('candidates').set({ gender: 'agênero' }).where('id', '=', candidate.id).execute();
    await bumpRaceVersion(ctx.db, race.id);
    expect(await fetchPage(url(path, first))).toContain('<option value="agênero">agênero</option>');
    // An organizer renames a party: the filter shows the new name.
    await ctx.db.updateTable('parties').set({ name: 'Terra Viva Renovada' }).where('slug', '=', 'terra-viva').where('election_id', '=', race.election_id).execute();
    await bumpDataVersion(ctx.db, race.election_id);
    expect(await fetchPage(url(path, first))).toContain('Terra Viva Renovada');
  });

  it('carries only this voter’s answers in its links and fields', async () => {
    for (const variant of variants) {
      await fetchPage(url(variant.path, first), variant.headers);
      const page = await fetchPage(url(variant.path, second), variant.headers);
      expect(page, variant.name).not.toContain(first);
      expect(page, variant.name).toContain(`name="a" value="${second}"`);
      // In the links (edit, languages, share): `=` is written &#x3D;, as Handlebars escapes it.
      expect(page, variant.name).toContain(`a&#x3D;${second}`);
    }
  });
});
