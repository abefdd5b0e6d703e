import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { expectStrictHtmlPage } from '../helpers/html.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * The small election: s1, s2 (ambiente, 5 points), s3 (contas, 3 points), s4 (contas, 5 points).
 * ana (PA, mayor): 5, 4, 3, no answer. bruno (no party, mayor): 1, 2, –, –.
 * carla (PA, council): nothing published. davi (PC, council): –, –, 1, 5.
 */
describe('transparency, embeds and open data', () => {
  let ctx: TestContext;
  const e = 'vila-pequena-2028';
  const get = (url: string, headers: Record<string, string> = {}) => request(ctx.app).get(url).set(headers);

  beforeAll(async () => {
    ctx = await createTestContext();
    const pkg = loadFixture('small-election.json');
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
    // 55 later changes to ana's s2, so the change log has more than one page.
    for (let i = 0; i < 55; i += 1) {
      pkg.candidates[0]!.answers!.s2 = { value: i % 2 === 0 ? 2 : 4, justification: `mudança ${i + 1}` };
      ctx.clock.set(new Date(Date.parse('2028-09-01T12:00:00Z') + (i + 1) * 60_000).toISOString());
      expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
    }
  });
  afterAll(() => ctx.close());

  describe('the statement page', () => {
    it('lists every candidate’s answer and draws the distribution by party, with the same numbers as a table', async () => {
      const $ = expectStrictHtmlPage(await get(`/e/${e}/statements/s1?lang=en`), { lang: 'en' });
      expect($('h1').text()).toBe('The city should plant a thousand trees a year.');
      expect($('main').text()).toContain('2 of 4 candidates answered this statement.');
      const svg = $('svg.bars');
      expect(svg.attr('role')).toBe('img');
      expect($(`#${svg.attr('aria-labelledby')!.split(' ')[0]}`).text()).toBe('Answers to statement s1, by party');
      expect($('svg.bars desc').text()).toContain('Partido da Árvore: Strongly disagree 0, Disagree 0, Neutral 0, Agree 0, Strongly agree 1, Chose not to answer 0, Did not answer 1');
      const table = $('table.numbers tbody tr')
        .map((_, tr) => [$(tr).find('th, td').map((__, c) => $(c).text().trim()).get()])
        .get();
      // Columns: 1 … 5, no answer, not answered, total. PA: ana 5, carla none. PC: davi none. No party: bruno 1.
      expect(table).toEqual([
        ['PA', '0', '0', '0', '0', '1', '0', '1', '2'],
        ['PC', '0', '0', '0', '0', '0', '0', '1', '1'],
        ['No party', '1', '0', '0', '0', '0', '0', '0', '1'],
      ]);
      // One bar segment per non-zero count: PA 2, PC 1, no party 1.
      expect($('svg.bars rect').length).toBe(4);
    });

    it('filters by race and party, keeping the filter in the URL', async () => {
      const $ = cheerio.load((await get(`/e/${e}/statements/s3?race=vereador&party=pc&lang=en`)).text);
      expect($('.answers li').length).toBe(1);
      expect($('.answers li').text()).toContain('Davi Ramos');
      expect($('.answers li .value').text()).toBe('Disagree');
      expect($('select#race option[selected]').attr('value')).toBe('vereador');
      expect((await get(`/e/${e}/statements/s3?race=nowhere`)).status).toBe(404);
      expect((await get(`/e/${e}/statements/s9`)).status).toBe(404);
    });
  });

  it('shows the race’s topic matrix: each cell the mean position on the topic', async () => {
    const $ = cheerio.load((await get(`/e/${e}/races/prefeito?lang=en&seed=3`)).text);
    const rows = Object.fromEntries(
      $('table.matrix tbody tr')
        .map((_, tr) => [[$(tr).find('th a').text(), $(tr).find('td span[aria-hidden]').map((__, s) => $(s).text()).get()]])
        .get(),
    );
    // ana, ambiente: s1 5 → .5, s2 (the 55th change set it to 2) → −.25: mean .125 → +25.
    //      contas: s3 3 of 3 points → .5; s4 "no answer" does not count → +100.
    // bruno, ambiente: s1 1 → −.5, s2 2 → −.25: mean −.375 → −75; contas: none → —.
    expect(rows).toEqual({ 'Ana da Praça': ['+25', '+100'], 'Bruno Lima': ['-75', '—'] });
  });

  describe('the transparency page', () => {
    it('shows response rates by race and party, and who has not answered', async () => {
      const $ = expectStrictHtmlPage(await get(`/e/${e}/transparency?lang=en`), { lang: 'en' });
      const table = (id: string) =>
        $(`#${id}-caption`).closest('table').find('tbody tr').map((_, tr) => [$(tr).find('th, td').map((__, c) => $(c).text().trim()).get()]).get();
      expect(table('by-race')).toEqual([
        ['City council member — Vila Pequena', '2', '1', '1', '1', '50%'],
        ['Mayor — Vila Pequena', '2', '2', '2', '2', '100%'],
      ]);
      expect(table('by-party')).toEqual([
        ['No party', '1', '1', '1', '1', '100%'],
        ['PA', '2', '1', '1', '1', '50%'],
        ['PC', '1', '1', '1', '1', '100%'],
      ]);
      expect($('#missing-heading').text()).toBe('Not answered yet (1)');
      expect($('#missing-heading').parent().find('li a').text()).toBe('Carla');
    });

    it('pages through the public change log, newest first', async () => {
      const $ = cheerio.load((await get(`/e/${e}/transparency?lang=en`)).text);
      expect($('#changes-heading').text()).toBe('Public change log (55)');
      const first = $('#changes-heading').parent().find('ol.history > li');
      expect(first.length).toBe(50);
      // Each change shows the justification before and after it.
      expect(first.first().find('.history-texts blockquote').map((_, q) => $(q).text()).get()).toEqual(['mudança 54', 'mudança 55']);
      const next = $('#changes-heading').parent().find('.pager a[rel=next]').attr('href')!;
      const second = cheerio.load((await get(next)).text);
      const rest = second('#changes-heading').parent().find('ol.history > li');
      expect(rest.length).toBe(5);
      expect(rest.last().find('.history-texts dd').last().find('blockquote').text()).toBe('mudança 1');
    });
  });

  describe('embeds', () => {
    const embeds = [
      `/embed/e/${e}/statements/s1?race=prefeito`,
      `/embed/e/${e}/candidates/ana`,
      `/embed/e/${e}/races/prefeito/matrix`,
      `/embed/e/${e}/quiz`,
      `/embed/e/${e}/results?race=prefeito&a=543-`,
    ];

    it.each(embeds)('%s is framable by any site and sets no cookie', async (url) => {
      const res = await get(url);
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toContain('frame-ancestors *');
      expect(res.headers['content-security-policy']).not.toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBeUndefined();
      expect(res.headers['set-cookie']).toBeUndefined();
      const $ = cheerio.load(res.text);
      expect($('link[rel=stylesheet]').attr('href')).toBe('/static/css/embed.css');
      expect($('script[src="/static/js/embed-frame.js"]').length).toBe(1);
    });

    it('give other sites the script that fits their frames, and only that one', async () => {
      const host = await get('/static/js/embed-host.js');
      expect(host.status).toBe(200);
      expect(host.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect((await get('/static/js/embed-frame.js')).headers['cross-origin-resource-policy']).toBe('same-origin');
      expect((await get('/static/css/site.css')).headers['cross-origin-resource-policy']).toBe('same-origin');
    });

    it('are framable only by the configured sites when EMBED_ALLOWED_ORIGINS is set', async () => {
      const other = await createTestContext({ EMBED_ALLOWED_ORIGINS: 'https://news.example.com https://tv.example.org' });
      try {
        const res = await request(other.app).get('/embed/e/nope/quiz');
        expect(res.headers['content-security-policy']).toContain('frame-ancestors https://news.example.com https://tv.example.org');
      } finally {
        await other.close();
      }
    });

    it('weigh under 15 KB compressed, HTML and CSS together', async () => {
      const css = await get('/static/css/embed.css').set('Accept-Encoding', 'gzip');
      const cssBytes = Number(css.headers['content-length'] ?? Buffer.byteLength(css.text));
      for (const url of embeds) {
        const res = await request(ctx.app).get(url).set('Accept-Encoding', 'gzip').buffer(true).parse((r, done) => {
          let size = 0;
          r.on('data', (chunk: Buffer) => (size += chunk.length));
          r.on('end', () => done(null, size));
        });
        // Small responses (under 1 KB) are sent as they are; larger ones compressed.
        if (Number(res.body) > 1024) expect(res.headers['content-encoding']).toBe('gzip');
        expect(Number(res.body) + cssBytes, url).toBeLessThan(15 * 1024);
      }
    });

    it('keeps the embedded quiz inside the embed, from answers to results', async () => {
      const quiz = cheerio.load((await get(`/embed/e/${e}/quiz?lang=en`)).text);
      expect(quiz('form.quiz').attr('action')).toBe(`/embed/e/${e}/results`);
      const res = await get(`/embed/e/${e}/results?race=prefeito&v_s1=5&v_s2=4&v_s3=3`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/embed/e/${e}/results?race=prefeito&a=543-`);
      const results = cheerio.load((await get(res.headers.location!)).text);
      expect(results('.match').length).toBe(2);
      // Shared links lead to the full site.
      expect(results('#share-url').attr('value')).toBe(`http://localhost:3000/e/${e}/results?race=prefeito&a=543-`);
      expect(results('form.results').attr('target')).toBe('_blank');
    });
  });

  it('every other page forbids framing', async () => {
    for (const url of ['/', `/e/${e}`, `/e/${e}/statements/s1`, `/e/${e}/transparency`, '/data', `/e/${e}/quiz`]) {
      expect((await get(url)).headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
    }
  });

  describe('oEmbed', () => {
    it.each([
      [`/e/${e}/statements/s1`, `/embed/e/${e}/statements/s1`],
      [`/e/${e}/candidates/ana`, `/embed/e/${e}/candidates/ana`],
      [`/e/${e}/races/prefeito`, `/embed/e/${e}/races/prefeito/matrix`],
      [`/e/${e}/quiz`, `/embed/e/${e}/quiz`],
      [`/e/${e}`, `/embed/e/${e}/quiz`],
      [`/embed/e/${e}/candidates/ana`, `/embed/e/${e}/candidates/ana`],
    ])('describes %s as a rich embed', async (page, embed) => {
      const res = await get(`/oembed?url=${encodeURIComponent(`http://localhost:3000${page}`)}&maxwidth=400&maxheight=300`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      // oEmbed 1.0: type and version always; rich needs html, width and height.
      expect(res.body).toMatchObject({ version: '1.0', type: 'rich', provider_name: 'Concordo', width: 400, height: 300 });
      expect(typeof res.body.html).toBe('string');
      expect(Number.isInteger(res.body.width) && Number.isInteger(res.body.height)).toBe(true);
      const iframe = cheerio.load(res.body.html)('iframe');
      expect(iframe.attr('src')).toBe(`http://localhost:3000${embed}`);
      expect(iframe.attr('width')).toBe('400');
      expect(iframe.attr('title')).toBeTruthy();
    });

    it('answers 404 for what cannot be embedded, 501 for formats other than JSON, 400 without a URL', async () => {
      for (const url of ['http://localhost:3000/data', 'http://localhost:3000/e/nope/quiz', `http://elsewhere.example/e/${e}/quiz`, `http://localhost:3000/e/${e}/statements/s9`]) {
        const res = await get(`/oembed?url=${encodeURIComponent(url)}`);
        expect(res.status, url).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
      expect((await get(`/oembed?url=${encodeURIComponent(`http://localhost:3000/e/${e}`)}&format=xml`)).status).toBe(501);
      expect((await get('/oembed')).status).toBe(400);
    });

    it('is discoverable from each embeddable page, with its embed code', async () => {
      for (const page of [`/e/${e}`, `/e/${e}/statements/s1`, `/e/${e}/candidates/ana`, `/e/${e}/races/prefeito`]) {
        const $ = cheerio.load((await get(page)).text);
        const href = $('link[rel=alternate][type="application/json+oembed"]').attr('href');
        expect(href, page).toMatch(/^\/oembed\?url=/);
        expect((await get(href!)).status).toBe(200);
        expect($('.embed-snippet textarea').text()).toMatch(/^<iframe src="http:\/\/localhost:3000\/embed\//);
      }
    });
  });

  describe('read API', () => {
    it.each([
      '/api/v1/elections',
      `/api/v1/elections/${e}`,
      `/api/v1/elections/${e}/candidates`,
      `/api/v1/elections/${e}/candidates?race=vereador`,
      `/api/v1/elections/${e}/changes`,
    ])('%s sends ETag, Cache-Control and CORS, no cookie, and 304 on If-None-Match', async (url) => {
      const res = await get(url);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['cache-control']).toBe('public, max-age=60');
      expect(res.headers['set-cookie']).toBeUndefined();
      const etag = res.headers.etag!;
      expect(etag).toBeTruthy();
      const again = await get(url, { 'If-None-Match': etag });
      expect(again.status).toBe(304);
      expect(again.text ?? '').toBe('');
    });

    it('gives published answers only', async () => {
      const res = await get(`/api/v1/elections/${e}/candidates?race=vereador`);
      const byId = Object.fromEntries(res.body.candidates.map((c: { id: string }) => [c.id, c]));
      expect(byId.carla).toMatchObject({ status: 'listed', answers: {} });
      expect(byId.davi.answers).toEqual({
        s3: { value: 1, justification: null, hiddenReason: null },
        s4: { value: 5, justification: null, hiddenReason: null },
      });
      const changes = await get(`/api/v1/elections/${e}/changes`);
      expect(changes.body).toMatchObject({ election: e, page: 1, pages: 1, total: 55 });
      expect(changes.body.changes[0]).toMatchObject({ seq: 55, candidate: 'ana', statement: 's2', new: { answered: true, justification: 'mudança 55' }, actor: 'import' });
    });
  });

  describe('downloads', () => {
    it('the CSV has one row per published candidate × statement and parses back', async () => {
      const res = await get(`/data/${e}.csv`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const rows = parse(res.text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
      // Published: ana, bruno, davi; 4 statements each.
      expect(rows).toHaveLength(3 * 4);
      expect(new Set(rows.map((r) => `${r.candidate_id}/${r.statement_id}`)).size).toBe(12);
      expect(rows.find((r) => r.candidate_id === 'ana' && r.statement_id === 's1')).toMatchObject({
        party: 'pa',
        race: 'prefeito',
        answer: 'value',
        value: '5',
        justification: 'A cidade perdeu sombra nas últimas décadas.',
      });
      expect(rows.find((r) => r.candidate_id === 'ana' && r.statement_id === 's4')).toMatchObject({ answer: 'no_answer', value: '' });
      expect(rows.find((r) => r.candidate_id === 'bruno' && r.statement_id === 's3')).toMatchObject({ answer: 'not_answered', value: '' });
    });

    it('the package download is the election package', async () => {
      const res = await get(`/data/${e}.json`);
      expect(res.status).toBe(200);
      expect(res.body.format).toBe('concordo.election/1');
      expect(res.body.candidates).toHaveLength(4);
      expect((await get('/data/nope.csv')).status).toBe(404);
      expect((await get('/data/x.exe')).status).toBe(404);
    });

    it('the data page lists them, with the licence and the API', async () => {
      const $ = expectStrictHtmlPage(await get('/data?lang=en'), { lang: 'en' });
      expect($('a[href$=".csv"]').attr('href')).toBe(`/data/${e}.csv`);
      expect($('main').text()).toContain('Data licence: CC BY 4.0');
      expect($('dl.api dt').length).toBeGreaterThanOrEqual(5);
    });
  });
});
