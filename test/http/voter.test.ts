import { once } from 'node:events';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import * as cheerio from 'cheerio';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS, MISSING_POLICIES } from '../../src/domain/matching.js';
import { ReadModel } from '../../src/read-model/read-model.js';
import { writePackage } from '../../src/services/election-packages.js';
import { decodeAnswerObjects, matchVoter } from '../../src/services/matching.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { expectStrictHtmlPage } from '../helpers/html.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * The small election: statements s1, s2 (topic ambiente, 5 points), s3 (contas, 3 points), s4 (contas, 5 points);
 * minimum 2 answers. Mayor race: ana (5, 4, 3, no answer) and bruno (1, 2, –, –).
 * Council race: carla (no answers), davi (–, –, 1, 5).
 */
describe('the voter’s journey', () => {
  let ctx: TestContext;
  const logs: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    ctx = await createTestContext({}, pino({ level: 'trace' }, sink));
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    expect((await writePackage(ctx, { pkg: loadFixture('demo-election.json'), actor: 'test' })).ok).toBe(true);
  });
  afterAll(() => ctx.close());

  const get = (url: string) => request(ctx.app).get(url);
  const results = '/e/vila-pequena-2028/results';

  it('shows the questionnaire grouped by topic with context, skip and "matters more"', async () => {
    const $ = expectStrictHtmlPage(await get('/e/serra-azul-2028/quiz?lang=en'), { lang: 'en' });
    expect($('form.quiz').attr('method')).toBe('get');
    expect($('select#race option[value]').filter((_, o) => $(o).attr('value') !== '').length).toBe(3);
    expect($('fieldset.statement').length).toBe(24);
    expect($('section.quiz-topic h2').map((_, h) => $(h).text()).get()).toEqual([
      'Environment',
      'Human rights',
      'Integrity and transparency',
      'New economies',
    ]);
    const first = $('fieldset.statement').first();
    expect(first.find('legend .progress').text()).toBe('1 of 24');
    expect(first.find('input[type=radio]').map((_, r) => $(r).attr('value')).get()).toEqual(['1', '2', '3', '4', '5', '-']);
    expect(first.find('input[type=radio][value="-"]').is(':checked')).toBe(true);
    expect(first.find('input[type=checkbox][value="2"]').length).toBe(1);
    expect(first.find('details.context').text()).toContain('regional utility');
  });

  it('turns the questionnaire form into the short, shareable result address', async () => {
    const res = await get(`${results}?race=prefeito&v_s1=5&v_s2=4&v_s3=3&v_s4=-&w_s1=2&lang=es`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${results}?race=prefeito&a=543-&w=2111&lang=es`);
  });

  it('ranks every candidate with percent, rank, party and topic scores', async () => {
    const $ = expectStrictHtmlPage(await get(`${results}?race=prefeito&a=543-&w=2111&lang=en`), { lang: 'en' });
    const ranked = $('.ranking .match')
      .map((_, li) => ({
        rank: $(li).find('.rank').text().trim(),
        percent: $(li).find('.percent').text(),
        name: $(li).find('.name').text(),
        topics: $(li).find('.topic-scores dd').map((__, dd) => $(dd).text().trim()).get(),
      }))
      .get();
    // ana: same answers as the voter where both answered → 100.
    // bruno: s1 Δ 1 × 2 + s2 Δ .5 + s3 missing, penalty Δ 1 = 3.5 of Σw 4 → 12.5 → 13%;
    //   topic ambiente (2 + .5)/3 → 16.7 → 17%; contas 1/1 → 0%.
    expect(ranked).toEqual([
      { rank: '#1', percent: '100%', name: 'Ana da Praça', topics: ['100%', '100%'] },
      { rank: '#2', percent: '13%', name: 'Bruno Lima', topics: ['17%', '0%'] },
    ]);
    expect($('#share-url').attr('value')).toBe(`http://localhost:3000${results}?race=prefeito&a=543-&w=2111`);
  });

  it('lists candidates without answers after the ranked ones, marked', async () => {
    const $ = expectStrictHtmlPage(await get(`${results}?race=vereador&a=55--&lang=en`), { lang: 'en' });
    // Davi answered only s3 and s4, which this voter skipped; Carla answered nothing.
    expect($('.ranking .match').length).toBe(0);
    expect($('.empty').text()).toContain('No candidate of this race answered');
    expect($('.unranked li').map((_, li) => $(li).text().replace(/\s+/g, ' ').trim()).get().sort()).toEqual([
      'Carla PA — has not published answers',
      'Davi Ramos PC — answered none of the statements you answered',
    ]);
  });

  it('says in words, for screen readers too, that a topic the voter skipped has no score', async () => {
    const $ = expectStrictHtmlPage(await get(`${results}?race=prefeito&a=54--&lang=en`), { lang: 'en' });
    const contas = $('.match').first().find('.topic-scores dd').eq(1);
    expect(contas.find('[aria-hidden=true]').text()).toBe('—');
    expect(contas.find('.visually-hidden').text()).toBe('You answered no statement of this topic');
  });

  it('scores with the chosen method and missing-answer policy', async () => {
    // bruno, neutral policy: s3 missing at 0: Δ .5 → 2 + .5 + .5 = 3 of 4 → 25%.
    const $ = cheerio.load((await get(`${results}?race=prefeito&a=543-&w=2111&miss=neutral&lang=en`)).text);
    expect($('.match').eq(1).find('.percent').text()).toBe('25%');
    // agreement: ana equals on s1, s2, s3 → 100; bruno on none → 0.
    const agreement = cheerio.load((await get(`${results}?race=prefeito&a=543-&w=2111&m=agreement`)).text);
    expect(agreement('.match .percent').map((_, p) => agreement(p).text()).get()).toEqual(['100%', '0%']);
  });

  it.each([
    ['a bad character in the answers', `${results}?race=prefeito&a=5x3-`, 'The link to your results is damaged'],
    ['answers of the wrong length', `${results}?race=prefeito&a=54`, 'The link holds 2 answers, but this questionnaire has 4 statements'],
    ['an answer off its scale', `${results}?race=prefeito&a=5444`, 'The answer “4” to statement s3 is not on its scale (1 to 3)'],
    ['an unknown race', `${results}?race=governador&a=543-`, 'The race “governador” does not exist in this election'],
    ['no race in an election with several', `${results}?a=543-`, 'Choose your race'],
    ['too few answers', `${results}?race=prefeito&a=5---`, 'You answered 1 statements that count; at least 2 are needed'],
    ['only ignored answers', `${results}?race=prefeito&a=543-&w=0001`, 'You answered 0 statements that count'],
    ['a bad weight', `${results}?race=prefeito&a=543-&w=2191`, 'The link to your results is damaged'],
  ])('gives the form back with an error for %s (400, never a 500)', async (_name, url, message) => {
    const $ = expectStrictHtmlPage(await get(`${url}&lang=en`), { status: 400, lang: 'en' });
    expect($('.error-summary').attr('role')).toBe('alert');
    expect($('.error-summary').text()).toContain(message);
    expect($('form.quiz').length).toBe(1);
  });

  it('keeps the voter’s answers on the form it gives back', async () => {
    const $ = cheerio.load((await get(`${results}?race=prefeito&a=5---&w=2111&lang=en`)).text);
    expect($('input[name=v_s1][value=5]').is(':checked')).toBe(true);
    expect($('input[name=w_s1]').is(':checked')).toBe(true);
    expect($('input[name=v_s2][value="-"]').is(':checked')).toBe(true);
    expect($('select#race option[selected]').attr('value')).toBe('prefeito');
  });

  it('compares candidates side by side with the voter’s answers and agreement marks', async () => {
    const $ = expectStrictHtmlPage(await get('/e/vila-pequena-2028/compare?c=ana,bruno&a=543-&race=prefeito&lang=en'), {
      lang: 'en',
    });
    expect($('thead th').map((_, th) => $(th).text().trim()).get()).toEqual(['Statement', 'You', 'Ana da Praça PA', 'Bruno Lima']);
    const rows = $('tbody tr:not(.topic-row)')
      .map((_, tr) => [$(tr).find('td').map((__, td) => $(td).find('.mark').text() || $(td).text().trim()).get()])
      .get();
    // s1: you 5, ana 5 (same), bruno 1 (opposite); s2: you 4, ana 4, bruno 2 (opposite);
    // s3: you 3 (agree, 3 points), ana 3 (same), bruno none; s4: you skipped.
    expect(rows).toEqual([
      ['Strongly agree', 'Same answer', 'Opposite'],
      ['Agree', 'Same answer', 'Opposite'],
      ['Agree', 'Same answer', 'No answer'],
      ['skipped', 'Chose not to answer', 'Did not answer'],
    ]);
    expect($('td .justification').first().text()).toBe('A cidade perdeu sombra nas últimas décadas.');
  });

  it('accepts the candidates as repeated fields, as the results form sends them', async () => {
    const res = await get('/e/vila-pequena-2028/compare?c=davi&c=carla&lang=en');
    const $ = expectStrictHtmlPage(res, { lang: 'en' });
    expect($('thead th').map((_, th) => $(th).text().trim()).get()).toEqual(['Statement', 'Davi Ramos PC', 'Carla PA']);
    expect((await get('/e/vila-pequena-2028/compare?c=nobody')).status).toBe(404);
    expect((await get('/e/vila-pequena-2028/compare')).status).toBe(404);
  });

  it('sends the results page compressed as browsers ask for it, byte for byte the page', async () => {
    const url = `${results}?race=prefeito&a=543-`;
    const plain = await request(ctx.app).get(url).set('Accept-Encoding', 'identity');
    const server = ctx.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      for (const [asked, encoding, decode] of [
        ['gzip, deflate, br, zstd', 'br', brotliDecompressSync],
        ['gzip, deflate', 'gzip', gunzipSync],
      ] as const) {
        const res = await fetchRaw(`http://127.0.0.1:${port}${url}`, { 'Accept-Encoding': asked });
        expect(res.headers['content-encoding'], asked).toBe(encoding);
        expect(res.headers.vary).toMatch(/Accept-Encoding/);
        expect(decode(res.body).toString()).toBe(plain.text);
      }
    } finally {
      server.close();
    }
  });

  it('sets no cookie, forbids caching and sends no referrer on the voter’s pages', async () => {
    for (const url of [
      '/e/vila-pequena-2028/quiz',
      `${results}?race=prefeito&a=543-`,
      '/e/vila-pequena-2028/compare?c=ana&a=543-',
    ]) {
      const res = await get(url);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      // A tag for a page no one may keep would only cost the hashing.
      expect(res.headers.etag).toBeUndefined();
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      const plain = await request(ctx.app).get(url).set('Accept-Encoding', 'identity');
      expect(Number(plain.headers['content-length'])).toBe(Buffer.byteLength(plain.text));
      const head = await request(ctx.app).head(url).set('Accept-Encoding', 'identity');
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(plain.headers['content-length']);
      expect(head.text).toBeUndefined();
    }
  });

  describe('POST /api/v1/elections/:election/match', () => {
    const match = (body: unknown, election = 'vila-pequena-2028') =>
      request(ctx.app).post(`/api/v1/elections/${election}/match`).set('Content-Type', 'application/json').send(JSON.stringify(body));

    it('answers as SPEC §5.7 says', async () => {
      const res = await match({ race: 'prefeito', answers: { s1: 5, s2: 4, s3: 3, s4: null }, weights: { s1: 2 } });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.body).toEqual({
        race: 'prefeito',
        method: 'cityblock',
        missing: 'penalty',
        counted: 3,
        results: [
          { candidate: 'ana', party: 'pa', score: 100, percent: 100, rank: 1, topics: { ambiente: 100, contas: 100 } },
          // See the results page test for the arithmetic.
          { candidate: 'bruno', party: null, score: 12.5, percent: 13, rank: 2, topics: { ambiente: expect.closeTo(100 / 6, 9), contas: 0 } },
        ],
        unranked: [],
      });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      // Written by hand for speed (src/web/views/match-json.ts): the very text JSON.stringify would write.
      expect(res.text).toBe(JSON.stringify(res.body));
    });

    it('gives null for a topic of which the voter counted no statement, and no more for a topic with some', async () => {
      // s3 and s4 are the only statements of "contas": skipped and weighed 0.
      const res = await match({ race: 'prefeito', answers: { s1: 5, s2: 4, s3: null, s4: 2 }, weights: { s4: 0 } });
      expect(res.status).toBe(200);
      const topics = (res.body.results as Array<{ topics: Record<string, number | null> }>).map((r) => r.topics);
      expect(topics.length).toBeGreaterThan(1);
      for (const scores of topics) {
        expect(scores.contas).toBeNull();
        expect(scores.ambiente).toEqual(expect.any(Number));
      }
      expect(res.text).toBe(JSON.stringify(res.body));
    });

    it('writes a large race’s answer, with unranked candidates and every method, as JSON.stringify would', async () => {
      // The demo election: dozens of candidates in four topics, some without answers.
      const cache = new ReadModel(ctx.db);
      for (const method of METHODS) {
        for (const missing of MISSING_POLICIES) {
          const body = { race: 'serra-azul-vereador', answers: { s01: 5, s02: 1, s03: 3, s05: 4, s08: 2, s13: 5, s21: 1 }, weights: { s02: 2, s05: 0 } };
          const res = await match({ ...body, method, missing }, 'serra-azul-2028');
          expect(res.status).toBe(200);
          expect(res.text).toBe(JSON.stringify(res.body));
          // Every number as the matching gives it, to the last digit.
          const direct = await matchVoter(cache, {
            election: 'serra-azul-2028',
            race: body.race,
            decode: (election) => decodeAnswerObjects(election, body),
            settings: { method, missing },
            random: Math.random,
          });
          if (direct.kind !== 'matched' || !direct.outcome.ok) throw new Error('no match');
          const { race, election, outcome } = direct;
          const expected = outcome.results.map((r) => ({
            candidate: race.candidates[r.candidate]!.key,
            score: r.score,
            percent: r.percent,
            rank: r.rank,
            topics: Object.fromEntries(election.detail.topics.map((topic, t) => [topic.slug, r.topics[t]])),
          }));
          const byKey = <T extends { candidate: string }>(rows: T[]) => [...rows].sort((x, y) => x.candidate.localeCompare(y.candidate));
          const answered = (res.body.results as Array<{ candidate: string; party: unknown }>).map(({ party: _party, ...row }) => row);
          expect(byKey(answered)).toEqual(byKey(expected));
          expect(expected.length).toBeGreaterThan(5);
          expect(res.body.unranked.sort()).toEqual(outcome.unranked.map((row) => race.candidates[row]!.key).sort());
          expect(res.body.unranked.length).toBeGreaterThan(0);
        }
      }
    });

    it('takes the only race when the election has one', async () => {
      const pkg = loadFixture('small-election.json');
      pkg.election.slug = 'one-race';
      pkg.races = [pkg.races[0]!];
      pkg.candidates = pkg.candidates.filter((c) => c.race === 'prefeito');
      expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
      const res = await match({ answers: { s1: 1, s2: 2 } }, 'one-race');
      expect(res.status).toBe(200);
      expect(res.body.race).toBe('prefeito');
      expect(res.body.results[0]).toMatchObject({ candidate: 'bruno', score: 100, rank: 1 });
    });

    it.each([
      ['an unknown key', { race: 'prefeito', answers: { s1: 5, s2: 4 }, extra: 1 }, 400, 'bad_request'],
      ['a value off the scale', { race: 'prefeito', answers: { s1: 5, s3: 4 } }, 400, 'invalid_answers'],
      ['an unknown statement', { race: 'prefeito', answers: { s1: 5, s9: 4 } }, 400, 'invalid_answers'],
      ['a bad weight', { race: 'prefeito', answers: { s1: 5, s2: 4 }, weights: { s1: 3 } }, 400, 'bad_request'],
      ['a bad method', { race: 'prefeito', answers: { s1: 5, s2: 4 }, method: 'cosine' }, 400, 'bad_request'],
      ['too few answers', { race: 'prefeito', answers: { s1: 5 } }, 400, 'too_few_answers'],
      ['no race in an election with several', { answers: { s1: 5, s2: 4 } }, 400, 'invalid_answers'],
      ['an unknown race', { race: 'senado', answers: { s1: 5, s2: 4 } }, 404, 'race_not_found'],
    ])('refuses %s with the JSON error shape', async (_name, body, status, code) => {
      const res = await match(body);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(typeof res.body.error.message).toBe('string');
    });

    it('answers 404 for an unknown election, 415 for another content type, 413 for a huge body, 400 for bad JSON', async () => {
      expect((await match({ answers: { s1: 5 } }, 'nope')).status).toBe(404);
      const form = await request(ctx.app).post('/api/v1/elections/vila-pequena-2028/match').type('form').send('answers=1');
      expect(form.status).toBe(415);
      expect(form.body.error.code).toBe('unsupported_media_type');
      const huge = await match({ answers: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`s${i}`, 1])) });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('payload_too_large');
      const broken = await request(ctx.app)
        .post('/api/v1/elections/vila-pequena-2028/match')
        .set('Content-Type', 'application/json')
        .send('{"answers": ');
      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('invalid_json');
    });

    it('limits how often one address may ask, with the JSON error shape', async () => {
      const limited = await createTestContext({ MATCH_RATE_PER_MINUTE: '3' });
      try {
        expect((await writePackage(limited, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
        const ask = () =>
          request(limited.app).post('/api/v1/elections/vila-pequena-2028/match').send({ race: 'prefeito', answers: { s1: 5, s2: 4 } });
        for (let i = 0; i < 3; i += 1) expect((await ask()).status).toBe(200);
        const refused = await ask();
        expect(refused.status).toBe(429);
        expect(refused.body.error.code).toBe('too_many_requests');
        expect(refused.headers['ratelimit-policy']).toBeDefined();
      } finally {
        await limited.close();
      }
    });

    it('answers CORS preflights', async () => {
      const res = await request(ctx.app).options('/api/v1/elections/vila-pequena-2028/match');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-headers']).toBe('Content-Type');
    });
  });

  it('never writes the voter’s answers to the logs', async () => {
    logs.length = 0;
    const answers = '5421354213542135421354213';
    const a = answers.slice(0, 24);
    await get(`/e/serra-azul-2028/results?race=serra-azul-prefeito&v_s01=5&v_s02=4&v_s03=2`);
    await get(`/e/serra-azul-2028/results?race=serra-azul-prefeito&a=${a}&w=${'2'.repeat(24)}`);
    await get(`/e/serra-azul-2028/compare?c=c001&a=${a}`);
    await request(ctx.app)
      .post('/api/v1/elections/serra-azul-2028/match')
      .set('Content-Type', 'application/json')
      .send({ race: 'serra-azul-prefeito', answers: { s01: 5, s02: 4, s03: 2, s04: 1, s05: 3 } });
    const text = logs.join('');
    expect(logs.length).toBeGreaterThanOrEqual(4);
    expect(text).toContain('/e/:election/results');
    expect(text).not.toContain(a);
    expect(text).not.toContain('v_s01');
    expect(text).not.toContain('a=');
    expect(text).not.toContain('"s01"');
    expect(text).not.toContain('answers');
  });

  it('logs one line per request: method, path, status and time, and no liveness checks', async () => {
    logs.length = 0;
    await get('/healthz');
    await get(`${results}?race=prefeito&a=543-`);
    const lines = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    // The route's pattern: paths with parameters may carry one-time tokens (test/http/privacy.test.ts).
    expect(lines[0]).toMatchObject({ msg: 'request completed', req: { method: 'GET', path: '/e/:election/results' }, res: { statusCode: 200 } });
    expect(lines[0]!.responseTime).toEqual(expect.any(Number));
  });
});

describe('the rows of a results page', () => {
  // Parts of the rows are kept between pages (src/web/views/ranking.ts): none may reach another page.
  it('are those of the page’s language, links, place, voter and candidates', async () => {
    const ctx = await createTestContext();
    try {
      const pkg = loadFixture('small-election.json');
      expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
      const rows = async (url: string, language = 'en') => {
        const $ = cheerio.load((await request(ctx.app).get(url).set('Accept-Language', language)).text);
        return $('.ranking .match')
          .map((_, li) => ({
            rank: $(li).find('.rank').text(),
            name: $(li).find('.name').text(),
            href: $(li).find('.name').attr('href'),
            target: $(li).find('.name').attr('target') ?? null,
            pick: $(li).find('.pick').text().trim(),
          }))
          .get();
      };
      const ana = { rank: '#1', name: 'Ana da Praça', href: '/e/vila-pequena-2028/candidates/ana?lang=en', target: null, pick: 'Compare Ana da Praça' };
      const results = '/e/vila-pequena-2028/results?race=prefeito';
      expect((await rows(`${results}&a=543-`))[0]).toEqual({ ...ana, href: '/e/vila-pequena-2028/candidates/ana' });
      expect((await rows(`${results}&a=543-`, 'es'))[0]).toEqual({ ...ana, rank: '1º', href: '/e/vila-pequena-2028/candidates/ana', pick: 'Comparar Ana da Praça' });
      expect((await rows(`${results}&a=543-&lang=en`))[0]).toEqual(ana);
      expect((await rows(`/embed${results}&a=543-&lang=en`))[0]).toEqual({ ...ana, target: '_blank' });
      // Neutral on s1 and s3: both candidates are half a scale away on each, a tie for this voter only.
      expect((await rows(`${results}&a=3-2-&lang=en`)).map((row) => row.rank)).toEqual(['#1 (tie)', '#1 (tie)']);
      expect((await rows(`${results}&a=543-&lang=en`)).map((row) => row.rank)).toEqual(['#1', '#2']);
      // A new version of the election: the new name shows at once.
      pkg.candidates[0]!.ballotName = 'Ana Nova';
      expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
      expect((await rows(`${results}&a=543-&lang=en`))[0]).toMatchObject({ name: 'Ana Nova', pick: 'Compare Ana Nova' });
    } finally {
      await ctx.close();
    }
  });
});

/** A GET whose body comes as the server sent it, not decompressed. */
function fetchRaw(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}
