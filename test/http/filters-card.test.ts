import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { acceptInvitation, csrfOf, inviteLink } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { expectStrictHtmlPage } from '../helpers/html.js';
import { loadFixture } from '../helpers/packages.js';

/* The small election: ana (PA, mayor, mulher, parda), bruno (no party, mayor), carla (PA, council, LGBT+, nothing published), davi (PC, council). */
describe('filters, the ballot card and self-declared identity', () => {
  let ctx: TestContext;
  const e = 'vila-pequena-2028';
  const get = (url: string) => request(ctx.app).get(url);

  beforeAll(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
  });
  afterAll(() => ctx.close());

  const ranking = ($: cheerio.CheerioAPI) =>
    $('.ranking .match').map((_, li) => `${$(li).find('.rank').text().trim()} ${$(li).find('.percent').text()} ${$(li).find('.name').text()}`).get();

  it('narrow the results without changing any score or rank', async () => {
    const url = `/e/${e}/results?race=prefeito&a=543-&w=2111&lang=en`;
    const all = cheerio.load((await get(url)).text);
    expect(ranking(all)).toEqual(['#1 100% Ana da Praça', '#2 13% Bruno Lima']);
    // Bruno has no party: filtering on PA hides him; Ana keeps her score and rank.
    const pa = cheerio.load((await get(`${url}&party=pa`)).text);
    expect(ranking(pa)).toEqual(['#1 100% Ana da Praça']);
    expect(pa('.note').text()).toContain('1 candidate hidden by the filters.');
    expect(pa('select#f-party option[selected]').attr('value')).toBe('pa');
    // Only Bruno is neither a woman nor in PA: keeping the filter in the form keeps the answers too.
    const hidden = pa('.candidate-filters form input[type=hidden]').map((_, i) => `${pa(i).attr('name')}=${pa(i).attr('value')}`).get();
    expect(hidden).toEqual(expect.arrayContaining(['race=prefeito', 'a=543-', 'w=2111']));
    const women = cheerio.load((await get(`${url}&gender=mulher`)).text);
    expect(ranking(women)).toEqual(['#1 100% Ana da Praça']);
  });

  it('narrow the race page and the statement page, kept in the URL', async () => {
    const notAnswered = cheerio.load((await get(`/e/${e}/races/vereador?ans=no&lang=en`)).text);
    expect(notAnswered('.candidates .ballot-name').map((_, n) => notAnswered(n).text()).get()).toEqual(['Carla']);
    const lgbt = cheerio.load((await get(`/e/${e}/races/vereador?lgbt=1&lang=en`)).text);
    expect(lgbt('.candidates .ballot-name').map((_, n) => lgbt(n).text()).get()).toEqual(['Carla']);
    expect(lgbt('input[name=lgbt]').is(':checked')).toBe(true);
    const statement = cheerio.load((await get(`/e/${e}/statements/s1?rc=parda&lang=en`)).text);
    expect(statement('.answers li').length).toBe(1);
    expect(statement('.answers li').text()).toContain('Ana da Praça');
    // Bad filter values are ignored, never an error.
    expect((await get(`/e/${e}/races/vereador?ans=maybe&lgbt=2`)).status).toBe(200);
  });

  it('makes a ballot card from the picked numbers, one line per office, with no cookie', async () => {
    const res = await get(`/e/${e}/card?c=davi,ana,nobody&lang=en`);
    const $ = expectStrictHtmlPage(res, { lang: 'en' });
    expect(res.headers['cache-control']).toBe('no-store');
    const lines = $('.ballot > li')
      .map((_, li) => ({ office: $(li).find('h2').contents().first().text().trim(), number: $(li).find('.ballot-number').text(), name: $(li).find('.pick-line > span').eq(1).text() }))
      .get();
    // In the election's race order: mayor first.
    expect(lines).toEqual([
      { office: 'Mayor', number: '71', name: 'Ana da Praça · PA' },
      { office: 'City council member', number: '71002', name: 'Davi Ramos · PC' },
    ]);
    expect($('main').text()).toContain('1 candidate in the link is not in this election.');
    const two = cheerio.load((await get(`/e/${e}/card?c=ana&c=bruno&lang=en`)).text);
    expect(two('.ballot .notice').text()).toBe('You picked more than one candidate for this office: only one number counts at the ballot box.');
    expect(two('.pick-line a').first().attr('href')).toBe(`/e/${e}/card?c=bruno&lang=en`);
    const empty = cheerio.load((await get(`/e/${e}/card?lang=en`)).text);
    expect(empty('.empty').text()).toContain('No candidate picked yet.');
    // From a candidate page, and from the results.
    const candidate = cheerio.load((await get(`/e/${e}/candidates/ana`)).text);
    expect(candidate(`a[href="/e/${e}/card?c=ana"]`).length).toBe(1);
    const results = cheerio.load((await get(`/e/${e}/results?race=prefeito&a=543-`)).text);
    expect(results('button[formaction]').attr('formaction')).toBe(`/e/${e}/card`);
  });

  it('lets a candidate declare gender, race/colour, LGBT+ and collective candidacy, shown on their page', async () => {
    await ctx.db.updateTable('candidates').set({ gender: 'masculino', gender_source: 'court', race_color: 'branca', race_color_source: 'court' }).where('key', '=', 'davi').execute();
    const before = cheerio.load((await get(`/e/${e}/candidates/davi?lang=en`)).text);
    expect(before('.profile dd').map((_, d) => before(d).text()).get()).toContain('masculino (according to the electoral court)');
    const agent = request.agent(ctx.app);
    await acceptInvitation(agent, await inviteLink(ctx, e, 'davi'), 'davi@example.org');
    const form = await agent.get('/candidate/profile?lang=en');
    expect(cheerio.load(form.text)('#gender').attr('value')).toBe('masculino');
    expect(cheerio.load(form.text)('#gender-court').text()).toBe("From the electoral court's records (masculino). Change it to declare your own; left empty, the court's value stays.");
    const saved = await agent.post('/candidate/profile').type('form').send({ _csrf: csrfOf(form), bio: '', links: '', photoUrl: '', gender: '', raceColor: 'preta', lgbt: 'yes', collective: 'no' });
    expect(saved.status).toBe(303);
    const after = cheerio.load((await get(`/e/${e}/candidates/davi?lang=en`)).text);
    const facts = Object.fromEntries(after('.profile dt').map((i, dt) => [[after(dt).text(), after('.profile dd').eq(i).text()]]).get());
    expect(facts).toMatchObject({
      'Gender (self-declared)': 'masculino (according to the electoral court)',
      'Race/colour (self-declared)': 'Black',
      'LGBT+': 'Yes',
    });
    const row = await ctx.db.selectFrom('candidates').select(['race_color', 'race_color_source', 'gender_source', 'lgbt', 'collective']).where('key', '=', 'davi').executeTakeFirstOrThrow();
    expect(row).toEqual({ race_color: 'preta', race_color_source: 'self', gender_source: 'court', lgbt: 1, collective: 0 });
  });
});

describe('results of a large race', () => {
  it('list the first hundred candidates, and all of them on request', async () => {
    const ctx = await createTestContext();
    try {
      const pkg = loadFixture('small-election.json');
      const template = pkg.candidates[1]!;
      // 130 mayoral candidates with the same answers as Bruno: all tied at the same score.
      pkg.candidates = Array.from({ length: 130 }, (_, i) => ({ ...template, id: `m${i}`, name: `Candidato ${i}`, ballotNumber: String(100 + i) }));
      expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
      const url = '/e/vila-pequena-2028/results?race=prefeito&a=12--&lang=en';
      const first = cheerio.load((await request(ctx.app).get(url)).text);
      expect(first('.ranking .match').length).toBe(100);
      // One score, one rank, said to be shared on every row.
      expect(new Set(first('.ranking .rank').map((_, rank) => first(rank).text()).get())).toEqual(new Set(['#1 (tie)']));
      expect(first('.more a').text()).toBe('Show the other 30 candidates');
      expect(first('.more a').attr('href')).toBe('/e/vila-pequena-2028/results?race=prefeito&a=12--&all=1&lang=en');
      const all = cheerio.load((await request(ctx.app).get(first('.more a').attr('href')!)).text);
      expect(all('.ranking .match').length).toBe(130);
      expect(all('.more').length).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});
