import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/domain/locale.js';
import { publishDraft, saveDraft } from '../../src/services/candidate-answers.js';
import { writePackage } from '../../src/services/election-packages.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { expectStrictHtmlPage } from '../helpers/html.js';
import { loadFixture } from '../helpers/packages.js';

describe('public pages', () => {
  let ctx: TestContext;
  const demo = loadFixture('demo-election.json');

  beforeAll(async () => {
    ctx = await createTestContext();
    for (const pkg of [demo, loadFixture('small-election.json')]) {
      const outcome = await writePackage(ctx, { pkg, actor: 'test' });
      expect(outcome.ok).toBe(true);
    }
  });
  afterAll(() => ctx.close());

  const get = (url: string, headers: Record<string, string> = {}) => request(ctx.app).get(url).set(headers);

  const firstRace = demo.races[0]!;
  const answered = demo.candidates.find((c) => Object.keys(c.answers ?? {}).length > 0)!;
  const silent = demo.candidates.find((c) => c.answers === undefined)!;
  const pages = [
    '/',
    `/e/${demo.election.slug}`,
    `/e/${demo.election.slug}/races/${firstRace.slug}`,
    `/e/${demo.election.slug}/candidates/${answered.id}`,
    `/e/${demo.election.slug}/candidates/${silent.id}`,
    `/e/${demo.election.slug}/quiz`,
    `/e/${demo.election.slug}/results?race=${firstRace.slug}&a=${'4'.repeat(demo.statements.length)}`,
    `/e/${demo.election.slug}/compare?c=${answered.id},${silent.id}`,
    '/methodology',
    `/e/${demo.election.slug}/statements/${demo.statements[0]!.id}`,
    `/e/${demo.election.slug}/transparency`,
    '/data',
  ];

  describe.each(LOCALES)('in %s', (locale) => {
    it.each(pages)('%s renders with strict headers', async (url) => {
      expectStrictHtmlPage(await get(`${url}${url.includes('?') ? '&' : '?'}lang=${locale}`), { lang: locale });
    });

    it('keeps the chosen language in the page links', async () => {
      const $ = expectStrictHtmlPage(await get(`/e/${demo.election.slug}?lang=${locale}`), { lang: locale });
      const internal = $('main a[href^="/"]')
        .map((_, a) => $(a).attr('href'))
        .get();
      expect(internal.length).toBeGreaterThan(0);
      for (const href of internal) expect(href).toContain(`lang=${locale}`);
    });
  });

  it('takes the language from Accept-Language when the link does not say', async () => {
    expectStrictHtmlPage(await get('/', { 'Accept-Language': 'es-CL,es;q=0.9,en;q=0.5' }), { lang: 'es' });
    expectStrictHtmlPage(await get('/', { 'Accept-Language': 'fr' }), { lang: 'pt-BR' });
    expectStrictHtmlPage(await get('/?lang=en', { 'Accept-Language': 'es' }), { lang: 'en' });
  });

  it('answers unknown pages with a 404 page in the visitor’s language', async () => {
    const $ = expectStrictHtmlPage(await get('/e/no-such-election?lang=en'), { status: 404, lang: 'en' });
    expect($('h1').text()).toBe('Page not found');
    expectStrictHtmlPage(await get('/e/vila-pequena-2028/candidates/nobody'), { status: 404, lang: 'pt-BR' });
    expectStrictHtmlPage(await get('/e/BAD%20SLUG'), { status: 404, lang: 'pt-BR' });
  });

  it('lists elections with their response rates', async () => {
    const $ = expectStrictHtmlPage(await get('/?lang=en'), { lang: 'en' });
    // Small election: of 4 candidates, ana, bruno and davi published answers.
    expect($('main').text()).toContain('Vila Pequena test election');
    expect($('main').text()).toContain('3 of 4 candidates answered (75%)');
    expect($('time').map((_, time) => $(time).attr('datetime')).get()).toContain('2028-10-01');
  });

  it('shows an election’s races and topics with their statements', async () => {
    const $ = expectStrictHtmlPage(await get('/e/vila-pequena-2028?lang=en'), { lang: 'en' });
    expect($('#races-heading').text()).toBe('Races');
    // Mayor race: ana and bruno answered; council race: davi answered, carla did not.
    expect($('main .card').first().text()).toContain('Mayor — Vila Pequena');
    expect($('main .card').first().text()).toContain('2 of 2 candidates answered (100%)');
    expect($('main .card').eq(1).text()).toContain('1 of 2 candidates answered (50%)');
    expect($('details.topic summary').first().text()).toContain('Environment');
    expect($('details.topic').first().find('li').first().text()).toBe('The city should plant a thousand trees a year.');
  });

  it('lists a race’s candidates in a seeded random order, marking who has not answered', async () => {
    const url = `/e/${demo.election.slug}/races/serra-azul-vereador?lang=en`;
    const order = async (seed: number) => {
      const $ = expectStrictHtmlPage(await get(`${url}&seed=${seed}`), { lang: 'en' });
      return $('.candidates .candidate .ballot-name')
        .map((_, el) => $(el).text())
        .get();
    };
    const first = await order(1);
    const council = demo.candidates.filter((c) => c.race === 'serra-azul-vereador');
    expect([...first].sort()).toEqual(council.map((c) => c.ballotName ?? c.name).sort());
    expect(await order(1)).toEqual(first);
    expect(await order(2)).not.toEqual(first);
    // Not by ballot number, not by package order.
    const byNumber = [...council].sort((a, b) => (a.ballotNumber ?? '').localeCompare(b.ballotNumber ?? ''));
    expect(first).not.toEqual(byNumber.map((c) => c.ballotName ?? c.name));

    const $ = expectStrictHtmlPage(await get(`/e/vila-pequena-2028/races/vereador?lang=en&seed=7`), { lang: 'en' });
    const status = (name: string) => $('.candidate').filter((_, el) => $(el).find('.ballot-name').text() === name).find('.status').text();
    expect(status('Carla')).toBe('has not answered');
    // davi answered s3 and s4 of the 4 statements.
    expect(status('Davi Ramos')).toBe('answered 2 of 4');
  });

  it('shows a candidate’s answers with justifications, labelled on each statement’s own scale', async () => {
    const $ = expectStrictHtmlPage(await get('/e/vila-pequena-2028/candidates/ana?lang=en'), { lang: 'en' });
    expect($('h1').text()).toContain('Ana da Praça');
    const answers = $('.answer')
      .map((_, el) => ({
        statement: $(el).find('.statement').text(),
        value: $(el).find('.value').text().trim(),
        justification: $(el).find('.justification').text().trim(),
      }))
      .get();
    expect(answers).toEqual([
      {
        statement: 'The city should plant a thousand trees a year.',
        value: 'Strongly agree',
        justification: 'A cidade perdeu sombra nas últimas décadas.',
      },
      { statement: 'The stream should be cleaned up by 2030.', value: 'Agree', justification: '' },
      // s3 has its own 3-point scale: 3 is "agree" there.
      {
        statement: 'Todos os contratos devem ser publicados em até 48 horas.',
        value: 'Agree',
        justification: 'Prazo de 48 horas é curto para a equipe atual.',
      },
      { statement: 'A câmara deve transmitir todas as sessões ao vivo.', value: 'Chose not to answer', justification: '' },
    ]);
    expect($('.links a').attr('href')).toBe('https://example.org/ana');
  });

  it('marks statements shown in another language than the page’s with that language', async () => {
    // Small election: s2 has no Spanish text, s4 only Portuguese, s1's context no Spanish; s3 is one text for every language.
    const quiz = expectStrictHtmlPage(await get('/e/vila-pequena-2028/quiz?lang=es'), { lang: 'es' });
    const lang = (key: string) => quiz(`#statement-${key} legend [lang]`).attr('lang');
    expect(['s1', 's2', 's3', 's4'].map(lang)).toEqual([undefined, 'pt-BR', undefined, 'pt-BR']);
    expect(quiz('#statement-s1 .context p').attr('lang')).toBe('pt-BR');
    expect(quiz('#statement-s1 .context p').text()).toBe('Hoje são plantadas cerca de 200.');
    const candidate = expectStrictHtmlPage(await get('/e/vila-pequena-2028/candidates/ana?lang=en'), { lang: 'en' });
    expect(candidate('.answer .statement').map((_, p) => candidate(p).attr('lang') ?? '').get()).toEqual(['', '', '', 'pt-BR']);
    const statement = expectStrictHtmlPage(await get('/e/vila-pequena-2028/statements/s4?lang=en'), { lang: 'en' });
    expect(statement('h1').attr('lang')).toBe('pt-BR');
    expect(expectStrictHtmlPage(await get('/e/vila-pequena-2028/statements/s4'), { lang: 'pt-BR' })('h1').attr('lang')).toBeUndefined();
  });

  it('says plainly when a candidate has not answered', async () => {
    const $ = expectStrictHtmlPage(await get('/e/vila-pequena-2028/candidates/carla?lang=en'), { lang: 'en' });
    expect($('.empty').first().text()).toBe('This candidate has not published answers yet.');
  });

  it('shows what candidates wrote as text, never as markup', async () => {
    const pkg = loadFixture('small-election.json');
    pkg.election.slug = 'xss-test';
    pkg.candidates[0]!.name = '<img src=x onerror=alert(1)>';
    pkg.candidates[0]!.ballotName = '<script>alert(1)</script>';
    pkg.candidates[0]!.answers!.s1!.justification = '"><script>alert(2)</script>';
    pkg.candidates[0]!.profile!.bio = '<b onmouseover=alert(3)>bio</b>';
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
    const res = await get('/e/xss-test/candidates/ana');
    const $ = expectStrictHtmlPage(res, { lang: 'pt-BR' });
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).not.toContain('<b onmouseover');
    expect($('h1').text()).toContain('<script>alert(1)</script>');
    expect($('.justification').first().text()).toBe('"><script>alert(2)</script>');
  });

  it('keeps a statement widget small: twenty answers, and a link to the rest in the same order', async () => {
    const race = 'serra-azul-vereador';
    const answeredHere = demo.candidates.filter((c) => c.race === race && c.answers?.s01 !== undefined).length;
    expect(answeredHere).toBeGreaterThan(20);
    const $ = cheerio.load((await get(`/embed/e/${demo.election.slug}/statements/s01?race=${race}&seed=7&lang=en`)).text);
    expect($('ul.answers > li').length).toBe(20);
    const more = $('main a').last();
    expect(more.text()).toBe(`${answeredHere - 20} more answers on the full site`);
    const full = cheerio.load((await get(new URL(more.attr('href')!).pathname + new URL(more.attr('href')!).search)).text);
    const names = (doc: cheerio.CheerioAPI, selector: string) => doc(selector).map((_, a) => doc(a).text()).get();
    // The widget's twenty are the first twenty of the full page, in the same seeded order.
    expect(names(full, 'ul.answers > li:not(.missing) a:first-child').slice(0, 20)).toEqual(names($, 'ul.answers > li a:first-child'));
  });

  it('gives every reader of a widget the same order within a minute, a new one the next minute, and new answers at once', async () => {
    const widget = `/embed/e/${demo.election.slug}/statements/s01?race=serra-azul-vereador&lang=en`;
    const order = async () => {
      const res = await get(widget);
      expect(res.headers['cache-control']).toBe('public, max-age=60');
      const $ = cheerio.load(res.text);
      return $('ul.answers > li').map((_, li) => $(li).text()).get();
    };
    ctx.clock.set('2028-09-01T12:00:05.000Z');
    const first = await order();
    ctx.clock.set('2028-09-01T12:00:55.000Z');
    expect(await order()).toEqual(first);
    ctx.clock.set('2028-09-01T12:01:05.000Z');
    const next = await order();
    expect(next).not.toEqual(first);
    // A reader (or a cache in front) that has this minute's widget gets a 304 without the body.
    const tag = (await get(widget)).headers.etag as string;
    expect(tag).toMatch(/^W\/"/);
    const again = await get(widget, { 'If-None-Match': tag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    // Gzipped for a browser that accepts it, plain for one that does not: the same widget.
    const zipped = await get(widget, { 'Accept-Encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/);
    const plain = await get(widget, { 'Accept-Encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(zipped.text);
    expect(plain.headers.etag).toBe(tag);
    // A candidate shown in the widget publishes a new justification: the next reader sees it.
    const shownName = cheerio.load((await get(widget)).text)('ul.answers > li a').first().text();
    const shown = demo.candidates.find((c) => (c.ballotName ?? c.name) === shownName)!;
    const candidate = await ctx.db.selectFrom('candidates').select('id').where('key', '=', shown.id).executeTakeFirstOrThrow();
    const answers = Object.entries(shown.answers!).map(([key, answer]) => ({ key, ...answer }));
    const statements = await ctx.db.selectFrom('statements').select(['id', 'key']).execute();
    await saveDraft(ctx, {
      candidateId: candidate.id,
      answers: answers.map((answer) => ({
        statementId: statements.find((st) => st.key === answer.key)!.id,
        value: answer.value,
        justification: answer.key === 's01' ? 'Mudei de ideia e explico aqui.' : (answer.justification ?? null),
      })),
    });
    expect((await publishDraft(ctx, { candidateId: candidate.id, actor: 'candidate' })).ok).toBe(true);
    expect((await get(widget)).text).toContain('Mudei de ideia e explico aqui.');
  });

  it('answers unknown API addresses with the JSON error shape', async () => {
    const res = await get('/api/v1/nothing-here?lang=en');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: { code: 'not_found', message: expect.stringContaining('could not find') } });
  });

  it('reports liveness and the database', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok' });
  });
});
