import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { csrfOf, signedInAdmin } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { expectStrictHtmlPage } from '../helpers/html.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * The small election with ana (official id …101, PA, mayor) and carla (…103, PA, council) elected.
 * ana answered s1 = 5 (strongly agree), s3 = 3 (agree on three points); carla answered nothing.
 */
const VOTES = `vote_id,date,chamber,bill,title,official_id,vote
pl-12,2029-03-10,Câmara Municipal,PL 12/2029,Plantio de árvores nas calçadas,990000000101,yes
pl-12,2029-03-10,Câmara Municipal,PL 12/2029,Plantio de árvores nas calçadas,990000000103,no
pl-12,2029-03-10,Câmara Municipal,PL 12/2029,Plantio de árvores nas calçadas,550000000009,yes
pl-30,2029-05-02,Câmara Municipal,PL 30/2029,Sigilo de contratos por cinco anos,990000000101,no
`;
const LINKS = `statement_id,vote_id,direction,explanation
s1,pl-12,1,O projeto obriga a prefeitura a plantar árvores nas calçadas.
`;

describe('the organizers’ roll-call pages', () => {
  let ctx: TestContext;
  let agent: TestAgent;
  const e = 'vila-pequena-2028';
  const base = `/admin/e/${e}/votes`;
  const count = async (table: 'roll_calls' | 'roll_call_votes' | 'roll_call_links') =>
    Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const audit = () => ctx.db.selectFrom('audit_log').select(['actor', 'action', 'details']).where('actor', '=', 'org@example.org').orderBy('id').execute();
  /** Uploads the two files through the page's own form, as a browser would. */
  const upload = async (votes: string, links: string, lang = 'en') => {
    const page = cheerio.load((await agent.get(`${base}?lang=${lang}`)).text);
    const form = page('form[enctype="multipart/form-data"]');
    return agent
      .post(form.attr('action')!)
      .attach('votes', Buffer.from(votes), 'votes.csv')
      .attach('links', Buffer.from(links), 'links.csv');
  };

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    const pkg = loadFixture('small-election.json');
    pkg.candidates[0]!.elected = true;
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
    agent = request.agent(ctx.app);
    await signedInAdmin(ctx, agent, 'org@example.org');
  });
  afterEach(() => ctx.close());

  it('are for organizers only', async () => {
    const anonymous = await request(ctx.app).get(base);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/admin/login');
    expect((await agent.get(`/admin/e/nope/votes`)).status).toBe(404);
    expect((await agent.get(`${base}/nothing-here`)).status).toBe(404);
  });

  it('imports the two files through an upload form that works without scripts, and reports unmatched ids', async () => {
    const $ = expectStrictHtmlPage(await agent.get(`${base}?lang=en`), { lang: 'en', signedInArea: true });
    expect($('h1').text()).toBe('Roll-call votes');
    const form = $('form[enctype="multipart/form-data"]');
    expect(form.attr('method')).toBe('post');
    // The body of a multipart form is read after the CSRF check: the token travels in the address.
    expect(form.attr('action')).toMatch(new RegExp(`^${base}/import\\?_csrf=[^&]+&lang=en$`));
    expect(form.find('input[type=file][name=votes]').length).toBe(1);
    expect(form.find('input[type=file][name=links]').length).toBe(1);

    const res = await upload(VOTES, LINKS);
    expect(res.status).toBe(200);
    const result = cheerio.load(res.text)('.import-result');
    expect(result.find('strong').text()).toBe('Imported 2 roll calls (2 new), 3 votes of candidates and 1 links to statements.');
    expect(result.find('.unmatched li').map((_, li) => cheerio.load(li).text()).get()).toEqual(['550000000009: first on line 4, 1 in all']);
    expect(await count('roll_calls')).toBe(2);
    expect(await count('roll_call_votes')).toBe(3);
    expect(await audit()).toMatchObject([{ actor: 'org@example.org', action: 'import-votes' }]);

    // The imported roll calls are listed with their votes.
    const listed = cheerio.load((await agent.get(`${base}?lang=en`)).text);
    expect(listed('table.roll-calls tbody tr').map((_, tr) => listed(tr).find('th, td').map((__, c) => listed(c).text().trim()).get().join(' | ')).get()).toEqual([
      'pl-30 | 2029-05-02 | PL 30/2029, Sigilo de contratos por cinco anos (Câmara Municipal) | 0 | 1 | 0 | 0',
      'pl-12 | 2029-03-10 | PL 12/2029, Plantio de árvores nas calçadas (Câmara Municipal) | 1 | 1 | 0 | 0',
    ]);
    expect(listed('table.links tbody tr').length).toBe(1);
  });

  it('names every fault of an upload by file and line, and writes nothing of it', async () => {
    expect((await upload(VOTES, LINKS)).status).toBe(200);
    const before = { rollCalls: await count('roll_calls'), votes: await count('roll_call_votes'), links: await count('roll_call_links') };
    const votes = `${VOTES}pl-40,2029-06-01,Câmara Municipal,PL 40/2029,Corte de árvores,990000000101,yes\n`;
    const links = `${LINKS}s9,pl-40,1,Afirmação que não existe.\ns3,pl-77,-1,Votação que não existe.\ns3,pl-40,-1,Esta estaria certa.\n`;
    const res = await upload(votes, links);
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('.import-result strong').text()).toBe('Import refused: 2 faults in the roll-call files. Nothing was written.');
    expect($('.import-result li').map((_, li) => $(li).text()).get()).toEqual([
      'links.csv, line 3, statement_id: no statement of this election has the id “s9”',
      'links.csv, line 4, vote_id: no vote “pl-77” is in the votes file or already imported',
    ]);
    // Neither the new roll call nor the valid link went in.
    expect({ rollCalls: await count('roll_calls'), votes: await count('roll_call_votes'), links: await count('roll_call_links') }).toEqual(before);
    expect((await audit()).map((a) => a.action)).toEqual(['import-votes']);

    const pt = cheerio.load((await upload('vote_id,date\n', LINKS, 'pt-BR')).text);
    expect(pt('.import-result li').first().text()).toBe('votes.csv, linha 1: faltam as colunas chamber, bill, title, official_id, vote');
    const missing = await agent.post(cheerio.load((await agent.get(base)).text)('form[enctype]').attr('action')!).attach('votes', Buffer.from(VOTES), 'votes.csv');
    expect(missing.status).toBe(400);
    expect(cheerio.load(missing.text)('.error-summary').text()).toContain('Escolha os dois arquivos');
  });

  it('refuses an upload without the session’s CSRF token, before reading it', async () => {
    const noToken = await agent.post(`${base}/import`).attach('votes', Buffer.from(VOTES), 'votes.csv').attach('links', Buffer.from(LINKS), 'links.csv');
    expect(noToken.status).toBe(403);
    const wrong = await agent.post(`${base}/import?_csrf=forged`).attach('votes', Buffer.from(VOTES), 'votes.csv').attach('links', Buffer.from(LINKS), 'links.csv');
    expect(wrong.status).toBe(403);
    // Another person's valid token does not work in this session either.
    const other = request.agent(ctx.app);
    await signedInAdmin(ctx, other, 'other@example.org');
    const theirs = cheerio.load((await other.get(base)).text)('form[enctype]').attr('action')!;
    expect((await agent.post(theirs).attach('votes', Buffer.from(VOTES), 'votes.csv').attach('links', Buffer.from(LINKS), 'links.csv')).status).toBe(403);
    expect(await count('roll_calls')).toBe(0);
    // A stray file field is a bad request, not a crash.
    const action = cheerio.load((await agent.get(base)).text)('form[enctype]').attr('action')!;
    expect((await agent.post(action).attach('photo', Buffer.from('x'), 'x.png')).status).toBe(400);
  });

  it('adds, changes and removes a link with a direction and a public explanation, and the public pages follow', async () => {
    expect((await upload(VOTES, LINKS)).status).toBe(200);
    const page = cheerio.load((await agent.get(`${base}?lang=en`)).text);
    const add = page('form[aria-labelledby=add-heading]');
    expect(add.find('select#statement option').map((_, o) => page(o).attr('value')).get()).toEqual(['', 's1', 's2', 's3', 's4']);
    expect(add.find('select#vote option').map((_, o) => page(o).attr('value')).get()).toEqual(['', 'pl-30', 'pl-12']);

    // Faults come back with the form as it was sent.
    const bad = await agent
      .post(`${base}/links?lang=en`)
      .type('form')
      .send({ _csrf: csrfOf(await agent.get(base)), statement: 's3', vote: 'pl-30', direction: '2', explanation: ' ' });
    expect(bad.status).toBe(400);
    const $bad = cheerio.load(bad.text);
    expect($bad('.error-summary li').map((_, li) => $bad(li).text()).get()).toEqual([
      'Choose what a yes vote means for the statement.',
      'Write why this vote tests the statement, in at most 2,000 characters.',
    ]);
    expect($bad('select#statement option[selected]').attr('value')).toBe('s3');
    const unknown = await agent
      .post(`${base}/links?lang=en`)
      .type('form')
      .send({ _csrf: csrfOf(await agent.get(base)), statement: 's3', vote: 'pl-99', direction: '-1', explanation: 'x' });
    expect(cheerio.load(unknown.text)('.error-summary').text()).toContain('This election has no such roll call.');

    // ana answered s3 = 3 of 3 (agrees) and voted no on pl-30: with d = −1 that is consistent.
    const added = await agent
      .post(`${base}/links`)
      .type('form')
      .send({ _csrf: csrfOf(await agent.get(base)), statement: 's3', vote: 'pl-30', direction: '-1', explanation: 'Votar sim mantém os contratos em sigilo.' });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe(`${base}?done=saved`);
    const api = async () => (await request(ctx.app).get(`/api/v1/elections/${e}/coherence`)).body;
    expect((await api()).links).toEqual([
      { statement: 's1', rollCall: 'pl-12', direction: 1, explanation: 'O projeto obriga a prefeitura a plantar árvores nas calçadas.' },
      { statement: 's3', rollCall: 'pl-30', direction: -1, explanation: 'Votar sim mantém os contratos em sigilo.' },
    ]);
    expect((await api()).candidates.find((c: { id: string }) => c.id === 'ana').pairs.map((p: { outcome: string }) => p.outcome)).toEqual(['consistent', 'consistent']);
    const publicPage = cheerio.load((await request(ctx.app).get(`/e/${e}/candidates/ana?lang=en`)).text);
    expect(publicPage('li.pair').eq(1).find('.explanation').text()).toBe('Votar sim mantém os contratos em sigilo.');

    // Editing: the form starts from the link as it is.
    const editHref = `${base}/links/s3/pl-30`;
    const edit = expectStrictHtmlPage(await agent.get(`${editHref}?lang=en`), { lang: 'en', signedInArea: true });
    expect(edit('input[name=direction][value="-1"]').is(':checked')).toBe(true);
    expect(edit('textarea#explanation').text()).toBe('Votar sim mantém os contratos em sigilo.');
    const changed = await agent.post(editHref).type('form').send({ _csrf: csrfOf(await agent.get(editHref)), direction: '1', explanation: 'Direção trocada para o teste.' });
    expect(changed.status).toBe(303);
    expect((await api()).candidates.find((c: { id: string }) => c.id === 'ana').pairs[1].outcome).toBe('inconsistent');
    const blank = await agent.post(`${editHref}?lang=en`).type('form').send({ _csrf: csrfOf(await agent.get(editHref)), direction: '1', explanation: '' });
    expect(blank.status).toBe(400);
    expect(cheerio.load(blank.text)('.error-summary').text()).toContain('Write why this vote tests the statement');

    const removed = await agent.post(`${editHref}/delete`).type('form').send({ _csrf: csrfOf(await agent.get(editHref)) });
    expect(removed.status).toBe(303);
    expect(removed.headers.location).toBe(`${base}?done=removed`);
    expect((await api()).links).toHaveLength(1);
    expect((await agent.get(editHref)).status).toBe(404);
    expect((await agent.post(`${editHref}/delete`).type('form').send({ _csrf: csrfOf(await agent.get(base)) })).status).toBe(404);

    expect((await audit()).map(({ actor, action }) => `${actor} ${action}`)).toEqual([
      'org@example.org import-votes',
      'org@example.org link-create',
      'org@example.org link-update',
      'org@example.org link-delete',
    ]);
    expect(JSON.parse((await audit())[2]!.details!)).toEqual({ statement: 's3', vote: 'pl-30', direction: 1, explanation: 'Direção trocada para o teste.' });
  });

  it('refuses link changes without the CSRF token', async () => {
    expect((await upload(VOTES, LINKS)).status).toBe(200);
    expect((await agent.post(`${base}/links`).type('form').send({ statement: 's3', vote: 'pl-30', direction: '-1', explanation: 'x' })).status).toBe(403);
    expect((await agent.post(`${base}/links/s1/pl-12/delete`).type('form').send({})).status).toBe(403);
    expect(await count('roll_call_links')).toBe(1);
  });
});
