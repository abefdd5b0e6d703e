import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setElected } from '../../src/services/elected.js';
import { writePackage } from '../../src/services/election-packages.js';
import { importRollCalls } from '../../src/services/roll-call-import.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { expectStrictHtmlPage } from '../helpers/html.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * The small election after election day. s1, s2, s4 have 5 points (3 is neutral), s3 has 3 (2 is neutral).
 * Elected: ana (PA), carla (PA, never answered), davi (PC) and edu (PC). bruno voted but was not elected.
 *
 * Roll calls and links (d: +1 a yes agrees with the statement, −1 a yes disagrees):
 *   s1 · pl-12 trees planted along pavements      d +1
 *   s2 · pl-20 the stream's clean-up put off      d −1
 *   s3 · pl-30 contracts kept secret for 5 years  d −1
 *   s4 · pl-31 sessions streamed live             d +1
 *   s1 · pl-40 the tree budget cut                d −1
 *
 * A pair is consistent when sign(p) · d = x (x = +1 yes, −1 no):
 *   ana  s1=5 (+)  pl-12 yes: + · + = + → consistent
 *        s2=4 (+)  pl-20 no:  + · − = − → consistent
 *        s3=3 (+)  pl-30 no:  + · − = − → consistent
 *        s4 chose not to answer, pl-31 yes → not counted (no answer)
 *        s1=5 (+)  pl-40 yes: + · − = −, voted + → inconsistent
 *        3 consistent of 4 counted = 75%
 *   edu  s1=3 neutral, pl-12 yes → not counted (neutral)
 *        s2=2 (−)  pl-20 yes: − · − = + → consistent
 *        s3=1 (−)  pl-30 yes: − · − = + → consistent
 *        s4=4 (+)  pl-31 no:  + · + = +, voted − → inconsistent
 *        s1=3 neutral, no vote in pl-40 → not counted (neutral: the answer's reason comes first)
 *        2 of 3 = 66.67% → 67%
 *   davi s1, s2 not answered → not counted; s3=1 (−) pl-30 yes → consistent; s4=5 pl-31 abstained → not counted
 *        1 counted: fewer than 3, no figure
 *   carla nothing published: 0 counted, no figure
 */
const OFFICIAL: Record<string, string> = { ana: '990000000101', bruno: '990000000102', carla: '990000000103', davi: '990000000104', edu: '990000000105' };
const VOTES = [
  'vote_id,date,chamber,bill,title,official_id,vote',
  ...[
    ['pl-12', '2029-03-10', 'PL 12/2029', 'Plantio de árvores nas calçadas', { ana: 'yes', edu: 'yes', davi: 'absent', bruno: 'no' }],
    ['pl-20', '2029-04-02', 'PL 20/2029', 'Adia a despoluição do córrego para 2040', { ana: 'no', edu: 'yes', bruno: 'yes' }],
    ['pl-30', '2029-05-02', 'PL 30/2029', 'Sigilo de contratos por cinco anos', { ana: 'no', edu: 'yes', davi: 'yes' }],
    ['pl-31', '2029-05-20', 'PL 31/2029', 'Transmissão ao vivo das sessões', { ana: 'yes', edu: 'no', davi: 'abstain' }],
    ['pl-40', '2029-06-01', 'PL 40/2029', 'Corte do orçamento de arborização', { ana: 'yes' }],
  ].flatMap(([id, date, bill, title, votes]) =>
    Object.entries(votes as Record<string, string>).map(([who, vote]) => `${id},${date},Câmara Municipal,${bill},${title},${OFFICIAL[who]},${vote}`),
  ),
].join('\n');
const LINKS = `statement_id,vote_id,direction,explanation
s1,pl-12,1,O projeto obriga a prefeitura a plantar árvores nas calçadas.
s2,pl-20,-1,Adiar a despoluição para 2040 contraria a meta de 2030.
s3,pl-30,-1,"Manter contratos em sigilo é o contrário de publicá-los em 48 horas."
s4,pl-31,1,O projeto manda transmitir as sessões ao vivo.
s1,pl-40,-1,Cortar o orçamento de arborização impede plantar mil árvores por ano.
`;

describe('after the election: promises against votes', () => {
  let ctx: TestContext;
  const e = 'vila-pequena-2028';
  const get = (url: string, headers: Record<string, string> = {}) => request(ctx.app).get(url).set(headers);

  beforeAll(async () => {
    ctx = await createTestContext();
    const pkg = loadFixture('small-election.json');
    const [ana, bruno, carla, davi] = pkg.candidates as [(typeof pkg.candidates)[number], ...typeof pkg.candidates];
    ana.elected = true;
    bruno!.officialId = OFFICIAL.bruno!;
    carla!.elected = true;
    davi!.elected = true;
    davi!.officialId = OFFICIAL.davi!;
    pkg.candidates.push({
      id: 'edu',
      officialId: OFFICIAL.edu!,
      name: 'Eduardo Paiva',
      ballotName: 'Edu',
      ballotNumber: '71003',
      party: 'pc',
      race: 'vereador',
      elected: true,
      answers: { s1: { value: 3 }, s2: { value: 2, justification: 'Texto que a organização ocultou.' }, s3: { value: 1 }, s4: { value: 4 } },
    });
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
    // An organizer hid one of edu's justifications: the reason shows instead, everywhere.
    await ctx.db
      .updateTable('answers')
      .set({ hidden_reason: 'Ofensivo.' })
      .where('candidate_id', '=', ctx.db.selectFrom('candidates').select('id').where('key', '=', 'edu'))
      .where('statement_id', '=', ctx.db.selectFrom('statements').select('id').where('key', '=', 's2'))
      .execute();
    const imported = await importRollCalls(ctx, {
      election: e,
      votes: { name: 'votes.csv', content: VOTES },
      links: { name: 'links.csv', content: LINKS },
      actor: 'test',
    });
    expect(imported.ok).toBe(true);
  });
  afterAll(() => ctx.close());

  /** The figures each view gives: candidate → percent shown, or null when it shows none. */
  const figure = (text: string) => (/(\d+)%/.exec(text) ? Number(/(\d+)%/.exec(text)![1]) : null);

  describe('an elected candidate’s page', () => {
    it('shows every pair: statement, answer and justification, vote and date, outcome and the explanation, and the figure', async () => {
      const $ = expectStrictHtmlPage(await get(`/e/${e}/candidates/ana?lang=en`), { lang: 'en' });
      const section = $('#coherence-heading').closest('section');
      expect(section.find('.coherence-summary').text().trim()).toBe('75% coherent Consistent in 3 of the 4 pairs that count.');
      const pairs = section.find('li.pair');
      expect(pairs.length).toBe(5);
      const read = (i: number) => {
        const pair = pairs.eq(i);
        return {
          statement: pair.find('.statement a').text(),
          answer: pair.find('.answer-value strong').text(),
          vote: pair.find('.vote-value strong').text(),
          date: pair.find('.vote-value time').attr('datetime'),
          direction: pair.find('.direction').text(),
          outcome: pair.find('.outcome').text(),
          explanation: pair.find('.explanation').text(),
        };
      };
      // In questionnaire order, then by the roll call's date: s1 (pl-12, pl-40), s2, s3, s4.
      expect(read(0)).toEqual({
        statement: 'The city should plant a thousand trees a year.',
        answer: 'Strongly agree',
        vote: 'Yes',
        date: '2029-03-10',
        direction: 'A yes vote agrees with the statement',
        outcome: 'Consistent',
        explanation: 'O projeto obriga a prefeitura a plantar árvores nas calçadas.',
      });
      expect(read(1)).toMatchObject({ answer: 'Strongly agree', vote: 'Yes', date: '2029-06-01', direction: 'A yes vote disagrees with the statement', outcome: 'Inconsistent' });
      expect(read(2)).toMatchObject({ answer: 'Agree', vote: 'No', outcome: 'Consistent' });
      expect(read(3)).toMatchObject({ answer: 'Agree', vote: 'No', outcome: 'Consistent' });
      expect(read(4)).toMatchObject({ answer: 'Chose not to answer', vote: 'Yes', outcome: 'Not counted: no answer' });
      expect(pairs.eq(0).find('blockquote.justification').text()).toBe('A cidade perdeu sombra nas últimas décadas.');
      expect(pairs.eq(0).find('.vote-value').text()).toContain('PL 12/2029, Plantio de árvores nas calçadas');
      expect(pairs.eq(0).find('.vote-value time').text()).toBe('March 10, 2029');
    });

    it('gives no figure when fewer than three pairs count, and lists the pairs that do not count', async () => {
      const davi = cheerio.load((await get(`/e/${e}/candidates/davi?lang=en`)).text);
      expect(davi('.coherence-summary').text().trim()).toBe('No figure: only 1 pair counts, and at least 3 are needed.');
      expect(davi('.coherence-summary .figure').length).toBe(0);
      expect(davi('li.pair .outcome').map((_, o) => davi(o).text()).get()).toEqual([
        'Not counted: no answer',
        'Not counted: no answer',
        'Not counted: no answer',
        'Consistent',
        'Not counted: abstained',
      ]);
      expect(davi('li.pair').first().find('.answer-value strong').text()).toBe('Did not answer');
      expect(davi('li.pair').first().find('.vote-value strong').text()).toBe('Absent');

      const edu = cheerio.load((await get(`/e/${e}/candidates/edu?lang=en`)).text);
      expect(edu('.coherence-summary .figure').text()).toBe('67% coherent');
      expect(edu('li.pair .outcome').map((_, o) => edu(o).text()).get()).toEqual([
        'Not counted: neutral answer',
        'Not counted: neutral answer',
        'Consistent',
        'Consistent',
        'Inconsistent',
      ]);
      // The hidden justification stays hidden: the organizers' reason is shown in its place.
      expect(edu('li.pair').eq(2).find('.moderated').text()).toBe('Justification hidden by the organizers: Ofensivo.');
      expect(edu('li.pair').eq(2).text()).not.toContain('Texto que a organização ocultou.');
      expect(edu('li.pair').eq(1).find('.vote-value strong').text()).toBe('No vote recorded');
    });

    it('is not shown for candidates who were not elected', async () => {
      const $ = cheerio.load((await get(`/e/${e}/candidates/bruno?lang=en`)).text);
      expect($('#coherence-heading').length).toBe(0);
    });
  });

  describe('the elected page', () => {
    it('lists every elected candidate with their figure and every pair, sorted by coherence', async () => {
      const $ = expectStrictHtmlPage(await get(`/e/${e}/elected?lang=en&sort=coherence&seed=7`), { lang: 'en' });
      expect($('h1').text()).toBe('Elected: promises and votes');
      expect($('#elected-heading').text()).toBe('4 elected candidates');
      const rows = $('table.elected tbody tr');
      expect(rows.map((_, r) => $(r).find('th a').first().text()).get().slice(0, 2)).toEqual(['Ana da Praça', 'Edu']);
      expect(rows.map((_, r) => $(r).find('.rank').text()).get()).toEqual(['#1', '#2', '', '']);
      // Without a figure, after those with one: davi and carla, in a seeded order.
      expect(new Set(rows.map((_, r) => $(r).find('th a').first().text()).get().slice(2))).toEqual(new Set(['Davi Ramos', 'Carla']));
      const ana = rows.eq(0);
      expect(ana.find('.summary-cell .figure').text()).toBe('75% coherent');
      // One column per link, in link order: the answer beside the vote, and the outcome.
      expect($('table.elected thead th.link-head a').map((_, a) => $(a).text()).get()).toEqual(['s1', 's1', 's2', 's3', 's4']);
      expect(ana.find('td').slice(1).map((_, td) => $(td).text().replace(/\s+/g, ' ').trim()).get()).toEqual([
        'Strongly agree · Yes Consistent',
        'Strongly agree · Yes Inconsistent',
        'Agree · No Consistent',
        'Agree · No Consistent',
        'Chose not to answer · Yes Not counted: no answer',
      ]);
      expect(rows.eq(2).find('.summary-cell .figure').length).toBe(0);
      // Every link, with its explanation and what a yes means.
      const links = $('#links-heading').parent().find('ol.vote-links > li');
      expect(links.length).toBe(5);
      expect(links.eq(2).text()).toContain('Adiar a despoluição para 2040 contraria a meta de 2030.');
      expect(links.eq(2).text()).toContain('A yes vote disagrees with the statement');
    });

    it('filters by party and sorts by name or party, in a form that works without scripts', async () => {
      const names = async (query: string) => {
        const $ = cheerio.load((await get(`/e/${e}/elected?lang=en&${query}`)).text);
        return $('table.elected tbody tr th a').map((_, a) => $(a).text()).get();
      };
      expect(await names('sort=name')).toEqual(['Ana da Praça', 'Carla', 'Davi Ramos', 'Edu']);
      expect(await names('sort=name&party=pc')).toEqual(['Davi Ramos', 'Edu']);
      expect(await names('sort=party')).toEqual(['Ana da Praça', 'Carla', 'Davi Ramos', 'Edu']);
      expect(await names('sort=coherence&party=pa')).toEqual(['Ana da Praça', 'Carla']);
      // The default is a random order that a seed reproduces (SPEC §2).
      expect(await names('seed=11')).toEqual(await names('seed=11'));
      expect(new Set(await names('seed=11'))).toEqual(new Set(['Ana da Praça', 'Carla', 'Davi Ramos', 'Edu']));
      const $ = cheerio.load((await get(`/e/${e}/elected?lang=en&party=pc&sort=name`)).text);
      const form = $('form.filters');
      expect(form.attr('method')).toBe('get');
      expect(form.find('select#party option[selected]').attr('value')).toBe('pc');
      expect(form.find('select#sort option[selected]').attr('value')).toBe('name');
      expect(form.find('input[name=lang]').attr('value')).toBe('en');
      expect((await get(`/e/${e}/elected?party=nope`)).status).toBe(404);
      expect((await get(`/e/nope/elected`)).status).toBe(404);
      // A bad sort is the default order, not an error.
      expect((await get(`/e/${e}/elected?sort=height`)).status).toBe(200);
    });

    it('speaks the three languages', async () => {
      const pt = cheerio.load((await get(`/e/${e}/elected?sort=coherence`)).text);
      expect(pt('h1').text()).toBe('Eleitas: promessas e votos');
      expect(pt('table.elected tbody tr').first().find('.figure').text()).toBe('75% coerente');
      const es = cheerio.load((await get(`/e/${e}/elected?sort=coherence&lang=es`)).text);
      expect(es('h1').text()).toBe('Electas: promesas y votos');
      expect(es('table.elected tbody tr').eq(1).find('.figure').text()).toBe('67% coherente');
    });

    it('is linked from the election page once someone is marked elected', async () => {
      const $ = cheerio.load((await get(`/e/${e}?lang=en`)).text);
      expect($(`a[href="/e/${e}/elected?lang=en"]`).text()).toBe('After the election: promises and votes');
    });
  });

  it('the page, the API, the CSV and the embed agree, candidate by candidate', async () => {
    const expected = { ana: 75, edu: 67, davi: null, carla: null };

    const page = cheerio.load((await get(`/e/${e}/elected?lang=en&sort=name`)).text);
    const fromPage = Object.fromEntries(
      page('table.elected tbody tr')
        .map((_, r) => [[page(r).find('th a').first().attr('href')!.split('/').pop()!.split('?')[0]!, figure(page(r).find('.figure').text())]])
        .get(),
    );
    expect(fromPage).toEqual(expected);

    const api = await get(`/api/v1/elections/${e}/coherence`);
    expect(api.status).toBe(200);
    expect(api.headers['access-control-allow-origin']).toBe('*');
    expect(api.headers['cache-control']).toBe('public, max-age=60');
    expect(api.headers['set-cookie']).toBeUndefined();
    expect((await get(`/api/v1/elections/${e}/coherence`, { 'If-None-Match': api.headers.etag! })).status).toBe(304);
    expect(Object.fromEntries(api.body.candidates.map((c: { id: string; percent: number | null }) => [c.id, c.percent]))).toEqual(expected);
    const ana = api.body.candidates.find((c: { id: string }) => c.id === 'ana');
    expect(ana).toMatchObject({ counted: 4, consistent: 3, coherence: 0.75, party: 'pa', race: 'prefeito', officialId: OFFICIAL.ana });
    expect(ana.pairs[4]).toEqual({
      statement: 's4',
      rollCall: 'pl-31',
      direction: 1,
      answer: { value: null, justification: null, hiddenReason: null },
      vote: 'yes',
      outcome: 'no_answer',
      counted: false,
    });
    expect(api.body.links[1]).toEqual({ statement: 's1', rollCall: 'pl-40', direction: -1, explanation: 'Cortar o orçamento de arborização impede plantar mil árvores por ano.' });
    expect(api.body.rollCalls.find((r: { id: string }) => r.id === 'pl-12')).toMatchObject({ date: '2029-03-10', votes: { yes: 2, no: 1, abstain: 0, absent: 1 } });
    expect(api.body.minCounted).toBe(3);
    const davi = api.body.candidates.find((c: { id: string }) => c.id === 'davi');
    expect(davi.pairs[0]).toMatchObject({ answer: null, vote: 'absent', outcome: 'no_answer' });
    expect((await get('/api/v1/elections/nope/coherence')).status).toBe(404);

    const csv = await get(`/data/${e}-coherence.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    // One row per elected candidate × link: 4 × 5.
    expect(rows).toHaveLength(20);
    const fromCsv = Object.fromEntries(rows.map((r) => [r.candidate_id, r.candidate_percent === '' ? null : Number(r.candidate_percent)]));
    expect(fromCsv).toEqual(expected);
    expect(rows.filter((r) => r.candidate_id === 'ana').map((r) => r.outcome)).toEqual(['consistent', 'inconsistent', 'consistent', 'consistent', 'no_answer']);
    expect(rows.find((r) => r.candidate_id === 'edu' && r.statement_id === 's2')).toMatchObject({
      vote_id: 'pl-20',
      vote_date: '2029-04-02',
      direction: '-1',
      answer: 'value',
      value: '2',
      justification: '',
      vote: 'yes',
      outcome: 'consistent',
      candidate_counted: '3',
      candidate_consistent: '2',
    });
    expect(rows.find((r) => r.candidate_id === 'edu' && r.vote_id === 'pl-40')).toMatchObject({ vote: 'not_recorded', outcome: 'neutral' });
    expect(rows.find((r) => r.candidate_id === 'carla')).toMatchObject({ answer: 'not_answered', candidate_coherence: '', candidate_percent: '' });
    const carla = cheerio.load((await get(`/e/${e}/candidates/carla?lang=en`)).text);
    expect(carla('.coherence-summary').text().trim()).toBe('No figure: no pair counts yet, and at least 3 are needed.');
    // The answers download of the same election is still where it was.
    expect((await get(`/data/${e}.csv`)).text.split('\n')[0]).toContain('statement_id,topic,scale');

    const embed = await get(`/embed/e/${e}/elected?lang=en&sort=coherence`);
    expect(embed.status).toBe(200);
    expect(embed.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(embed.headers['x-frame-options']).toBeUndefined();
    expect(embed.headers['set-cookie']).toBeUndefined();
    const $embed = cheerio.load(embed.text);
    expect($embed('link[rel=stylesheet]').attr('href')).toBe('/static/css/embed.css');
    const fromEmbed = Object.fromEntries(
      $embed('tbody tr').map((_, r) => [[$embed(r).find('th a').attr('href')!.split('/').pop()!.split('#')[0]!, figure($embed(r).find('.figure').text())]]).get(),
    );
    expect(fromEmbed).toEqual(expected);
    expect($embed('tbody tr th a').first().attr('target')).toBe('_blank');

    for (const [candidate, percent] of Object.entries(expected)) {
      const $ = cheerio.load((await get(`/e/${e}/candidates/${candidate}?lang=en`)).text);
      expect(figure($('.coherence-summary .figure').text()), candidate).toBe(percent);
    }
  });

  it('offers the elected page as an embed, with oEmbed, and lists the downloads and the API', async () => {
    const page = cheerio.load((await get(`/e/${e}/elected?party=pc&lang=en`)).text);
    expect(page('.embed-snippet textarea').text()).toContain(`src="http://localhost:3000/embed/e/${e}/elected?party=pc"`);
    const oembed = await get(page('link[rel=alternate][type="application/json+oembed"]').attr('href')!);
    expect(oembed.status).toBe(200);
    expect(cheerio.load(oembed.body.html)('iframe').attr('src')).toBe(`http://localhost:3000/embed/e/${e}/elected?party=pc`);
    const data = cheerio.load((await get('/data?lang=en')).text);
    expect(data(`a[href="/data/${e}-coherence.csv"]`).text()).toBe('Promises and votes as CSV');
    expect(data('dl.api dt').text()).toContain('GET /api/v1/elections/:election/coherence');
    const method = cheerio.load((await get('/methodology?lang=en')).text);
    expect(method('h2#coherence').text()).toBe('After the election: promise coherence');
    expect(method('#coherence').parent().find('.formula code').first().text()).toBe('consistent ⇔ sign(p) × d = x');
  });

  it('lets an organizer mark a candidate elected or not, recorded in the audit log', async () => {
    expect(await setElected(ctx, { election: e, candidate: 'bruno', elected: true, actor: 'org@example.org' })).toEqual({ ok: true, changed: true });
    expect(await setElected(ctx, { election: e, candidate: 'bruno', elected: true, actor: 'org@example.org' })).toEqual({ ok: true, changed: false });
    expect(await setElected(ctx, { election: e, candidate: 'nobody', elected: true, actor: 'org@example.org' })).toEqual({ ok: false, problem: 'no_candidate' });
    expect(await setElected(ctx, { election: 'nope', candidate: 'bruno', elected: true, actor: 'org@example.org' })).toEqual({ ok: false, problem: 'no_election' });
    // bruno answered s1 = 1 (−), s2 = 2 (−) and voted no on pl-12 (d +1: consistent) and yes on pl-20 (d −1: consistent).
    const api = await get(`/api/v1/elections/${e}/coherence`);
    expect(api.body.candidates.find((c: { id: string }) => c.id === 'bruno')).toMatchObject({ counted: 2, consistent: 2, percent: null });
    const $ = cheerio.load((await get(`/e/${e}/elected?lang=en&sort=name`)).text);
    expect($('table.elected tbody tr th a').map((_, a) => $(a).text()).get()).toContain('Bruno Lima');
    const audit = await ctx.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'set-elected').execute();
    expect(audit).toEqual([{ actor: 'org@example.org', details: JSON.stringify({ candidate: 'bruno', elected: true }) }]);
    expect((await setElected(ctx, { election: e, candidate: 'bruno', elected: false, actor: 'org@example.org' })).ok).toBe(true);
    expect((await get(`/e/${e}/candidates/bruno`)).text).not.toContain('coherence-heading');
  });
});
