import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { acceptInvitation, csrfOf, inviteLink, signedInAdmin } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { expectStrictHtmlPage } from '../helpers/html.js';
import { fixtureText, loadFixture, packageWithTwentyFaults } from '../helpers/packages.js';

const e = 'vila-pequena-2028';

describe('the organizer area', () => {
  let ctx: TestContext;
  let admin: TestAgent;

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    admin = request.agent(ctx.app);
    await signedInAdmin(ctx, admin, 'organizer@example.org');
  });
  afterEach(() => ctx.close());

  /** Posts a form from a page, with that page's CSRF token. */
  const post = async (page: string, action: string, fields: Record<string, string>) => {
    const token = csrfOf(await admin.get(page));
    return admin.post(`${action}${action.includes('?') ? '&' : '?'}lang=en`).type('form').send({ _csrf: token, ...fields });
  };
  const errorsOf = (res: request.Response) => cheerio.load(res.text)('.error-summary li').map((_, li) => cheerio.load(res.text)(li).text()).get();
  const auditActions = async () => (await ctx.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((a) => a.action);

  describe('who may enter', () => {
    it('sends visitors to the login page and refuses candidates with 403', async () => {
      const visitor = await request(ctx.app).get('/admin');
      expect(visitor.status).toBe(303);
      expect(visitor.headers.location).toBe('/admin/login');
      const candidate = request.agent(ctx.app);
      await acceptInvitation(candidate, await inviteLink(ctx, e, 'carla'), 'carla@example.org');
      for (const path of ['/admin', `/admin/e/${e}`, `/admin/e/${e}/questionnaire`, `/admin/e/${e}/candidates`, `/admin/e/${e}/moderation`, `/admin/e/${e}/import`]) {
        expect((await candidate.get(path)).status, path).toBe(403);
      }
      const token = csrfOf(await candidate.get('/candidate'));
      const attempt = await candidate.post(`/admin/e/${e}/settings`).type('form').send({ _csrf: token, 'name_pt-BR': 'Tomada', date: '2028-10-01', minAnswers: '1' });
      expect(attempt.status).toBe(403);
      expect((await ctx.db.selectFrom('elections').select('min_answers').executeTakeFirstOrThrow()).min_answers).toBe(2);
    });

    it('refuses a form without its CSRF token and changes nothing', async () => {
      const res = await admin.post(`/admin/e/${e}/settings`).type('form').send({ 'name_pt-BR': 'Sem token', date: '2028-10-01', minAnswers: '9' });
      expect(res.status).toBe(403);
      expect((await ctx.db.selectFrom('elections').select('min_answers').executeTakeFirstOrThrow()).min_answers).toBe(2);
    });

    it('shows every organizer page with the strict headers', async () => {
      for (const path of ['/admin', `/admin/e/${e}`, `/admin/e/${e}/questionnaire`, `/admin/e/${e}/statements/s1`, `/admin/e/${e}/races`, `/admin/e/${e}/candidates`, `/admin/e/${e}/moderation`, `/admin/e/${e}/import`]) {
        expectStrictHtmlPage(await admin.get(`${path}?lang=en`), { lang: 'en', signedInArea: true });
      }
    });
  });

  describe('elections', () => {
    it('creates an election, refusing bad ids, dates, missing names and taken ids', async () => {
      const form = { slug: 'nova-2030', 'name_pt-BR': 'Nova eleição', name_es: '', name_en: 'New election', date: '2030-10-06', country: 'br', scale: '5', minAnswers: '5' };
      expect(errorsOf(await post('/admin', '/admin/elections', { ...form, slug: 'Nova Eleição' }))).toEqual(['The id uses only lowercase letters, digits and hyphens (e.g. sp-council).']);
      expect(errorsOf(await post('/admin', '/admin/elections', { ...form, date: '06/10/2030' }))).toEqual(['The date must be written YYYY-MM-DD.']);
      expect(errorsOf(await post('/admin', '/admin/elections', { ...form, 'name_pt-BR': '', name_en: '' }))).toEqual(['Give the name in at least one language.']);
      expect(errorsOf(await post('/admin', '/admin/elections', { ...form, scale: '9' }))).toEqual(['The scale has 2 to 7 points.']);
      expect(errorsOf(await post('/admin', '/admin/elections', { ...form, slug: e }))).toEqual(['This id is already in use.']);
      const bad = await post('/admin', '/admin/elections', { ...form, slug: 'x y' });
      expect(bad.status).toBe(400);
      // Nothing is lost: the form comes back with what was typed.
      expect(cheerio.load(bad.text)('#new-name-en').attr('value')).toBe('New election');
      const created = await post('/admin', '/admin/elections', form);
      expect(created.status).toBe(303);
      expect(created.headers.location).toBe('/admin/e/nova-2030');
      const row = await ctx.db.selectFrom('elections').selectAll().where('slug', '=', 'nova-2030').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ country: 'BR', scale: 5, min_answers: 5, name: JSON.stringify({ 'pt-BR': 'Nova eleição', en: 'New election' }) });
      expect(await auditActions()).toContain('create-election');
    });

    it('edits the settings: names, minimum answers, questionnaire open and campaign period', async () => {
      const page = `/admin/e/${e}`;
      expect(errorsOf(await post(page, `${page}/settings`, { 'name_pt-BR': 'Vila', date: '2028-10-01', minAnswers: '0' }))).toEqual([
        'The minimum number of answers is a whole number from 1.',
      ]);
      const saved = await post(page, `${page}/settings`, { 'name_pt-BR': 'Vila Pequena 2028', name_es: 'Vila Pequena 2028 (es)', date: '2028-10-01', minAnswers: '3', campaignPeriod: 'on' });
      expect(saved.status).toBe(303);
      const row = await ctx.db.selectFrom('elections').selectAll().where('slug', '=', e).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ min_answers: 3, questionnaire_open: 0, campaign_period: 1 });
      // The public page follows, and the audit log says who.
      const $ = cheerio.load((await request(ctx.app).get(`/e/${e}?lang=es`)).text);
      expect($('h1').text()).toBe('Vila Pequena 2028 (es)');
      const audit = cheerio.load((await admin.get(`${page}?lang=en`)).text);
      expect(audit('#audit-heading').parent().text()).toContain('organizer@example.org: update-election');
    });
  });

  describe('topics and statements', () => {
    const page = `/admin/e/${e}/questionnaire`;

    it('adds topics and statements, refusing what does not fit', async () => {
      expect(errorsOf(await post(page, `/admin/e/${e}/topics`, { slug: 'saude', 'name_pt-BR': '' }))).toEqual(['Give the name in at least one language.']);
      expect(errorsOf(await post(page, `/admin/e/${e}/topics`, { slug: 'ambiente', 'name_pt-BR': 'De novo' }))).toEqual(['This id is already in use.']);
      expect((await post(page, `/admin/e/${e}/topics`, { slug: 'saude', 'name_pt-BR': 'Saúde', name_en: 'Health' })).status).toBe(303);

      const statement = { key: 's5', topic: 'saude', 'text_pt-BR': 'O posto de saúde deve abrir aos sábados.', scale: '' };
      expect(errorsOf(await post(page, `/admin/e/${e}/statements`, { ...statement, key: 's 5' }))).toEqual(['The statement id uses letters, digits, dots and hyphens (e.g. s25).']);
      expect(errorsOf(await post(page, `/admin/e/${e}/statements`, { ...statement, key: 's1' }))).toEqual(['This id is already in use.']);
      expect(errorsOf(await post(page, `/admin/e/${e}/statements`, { ...statement, topic: 'nenhum' }))).toEqual(['Choose an existing topic.']);
      expect(errorsOf(await post(page, `/admin/e/${e}/statements`, { ...statement, 'text_pt-BR': '' }))).toEqual(['Write the statement in at least one language.']);
      expect(errorsOf(await post(page, `/admin/e/${e}/statements`, { ...statement, scale: '8' }))).toEqual(['The scale has 2 to 7 points.']);
      expect((await post(page, `/admin/e/${e}/statements`, statement)).status).toBe(303);
      const quiz = cheerio.load((await request(ctx.app).get(`/e/${e}/quiz`)).text);
      expect(quiz('fieldset.statement').length).toBe(5);
      expect(quiz('#statement-s5 legend').text()).toContain('O posto de saúde deve abrir aos sábados.');
    });

    it('refuses to change the words or scale of a statement candidates answered, but lets the context change', async () => {
      const edit = `/admin/e/${e}/statements/s1`;
      const form = { topic: 'ambiente', 'text_pt-BR': 'A prefeitura deve plantar dez mil árvores por ano.', 'text_es': 'La alcaldía debe plantar mil árboles al año.', text_en: 'The city should plant a thousand trees a year.', 'context_pt-BR': 'Hoje são plantadas cerca de 200.', context_en: 'About 200 are planted today.', scale: '' };
      const refused = await post(edit, edit, form);
      expect(refused.status).toBe(400);
      expect(errorsOf(refused)[0]).toContain('its text and scale cannot change');
      const unchangedText = { ...form, 'text_pt-BR': 'A prefeitura deve plantar mil árvores por ano.', 'context_pt-BR': 'Hoje são plantadas cerca de 200 mudas por ano.' };
      expect((await post(edit, edit, unchangedText)).status).toBe(303);
      const row = await ctx.db.selectFrom('statements').select(['text', 'context']).where('key', '=', 's1').executeTakeFirstOrThrow();
      expect(JSON.parse(row.context!)['pt-BR']).toBe('Hoje são plantadas cerca de 200 mudas por ano.');
      expect(JSON.parse(row.text)['pt-BR']).toBe('A prefeitura deve plantar mil árvores por ano.');
    });

    it('reorders statements within a topic, and the questionnaire follows', async () => {
      expect((await post(page, `/admin/e/${e}/statements/s2/move`, { direction: 'up' })).status).toBe(303);
      const quiz = cheerio.load((await request(ctx.app).get(`/e/${e}/quiz`)).text);
      expect(quiz('fieldset.statement').map((_, f) => quiz(f).attr('id')).get()).toEqual(['statement-s2', 'statement-s1', 'statement-s3', 'statement-s4']);
    });
  });

  describe('races and parties', () => {
    const page = `/admin/e/${e}/races`;
    it('adds and edits races and parties, refusing what does not fit', async () => {
      expect(errorsOf(await post(page, `/admin/e/${e}/races`, { slug: 'vice', 'office_pt-BR': '', 'district_pt-BR': 'Vila Pequena' }))).toEqual(['Give the office in at least one language.']);
      expect((await post(page, `/admin/e/${e}/races`, { slug: 'vice', 'office_pt-BR': 'Vice-prefeito(a)', 'district_pt-BR': 'Vila Pequena' })).status).toBe(303);
      expect((await post(page, `/admin/e/${e}/races/vice`, { 'office_pt-BR': 'Vice-prefeita(o)', 'district_pt-BR': 'Vila Pequena' })).status).toBe(303);
      expect((await post(page, `/admin/e/${e}/races/nada`, { 'office_pt-BR': 'X', 'district_pt-BR': 'Y' })).status).toBe(404);
      expect(errorsOf(await post(page, `/admin/e/${e}/parties`, { slug: 'pn', abbreviation: '', name: 'Partido Novo' }))).toEqual(["Give the party's abbreviation."]);
      expect(errorsOf(await post(page, `/admin/e/${e}/parties`, { slug: 'pn', abbreviation: 'PN', name: 'Partido Novo', number: 'doze' }))).toEqual(['The party number is a whole number.']);
      expect((await post(page, `/admin/e/${e}/parties`, { slug: 'pn', abbreviation: 'PN', name: 'Partido Novo', number: '12' })).status).toBe(303);
      const election = await request(ctx.app).get(`/api/v1/elections/${e}`);
      expect(election.body.races.map((r: { slug: string }) => r.slug)).toContain('vice');
      expect(election.body.parties).toContainEqual({ slug: 'pn', abbreviation: 'PN', name: 'Partido Novo', number: 12 });
    });
  });

  describe('candidates', () => {
    const page = `/admin/e/${e}/candidates`;
    it('lists, filters and searches candidates, and verifies them', async () => {
      const all = cheerio.load((await admin.get(`${page}?lang=en`)).text);
      expect(all('tbody tr').length).toBe(4);
      const council = cheerio.load((await admin.get(`${page}?race=vereador&lang=en`)).text);
      expect(council('tbody tr th a').map((_, a) => council(a).text()).get().sort()).toEqual(['Carla', 'Davi Ramos']);
      const published = cheerio.load((await admin.get(`${page}?status=published`)).text);
      expect(published('tbody tr').length).toBe(3);
      const search = cheerio.load((await admin.get(`${page}?q=souza`)).text);
      expect(search('tbody tr').length).toBe(1);

      expect((await post(page, `${page}/ana/verify`, { verified: '1' })).status).toBe(303);
      const publicPage = cheerio.load((await request(ctx.app).get(`/e/${e}/candidates/ana?lang=en`)).text);
      expect(publicPage('.badge.verified').text()).toBe('Verified');
      expect((await post(page, `${page}/ana/elected`, { elected: '1' })).status).toBe(303);
      expect((await ctx.db.selectFrom('candidates').select('elected').where('key', '=', 'ana').executeTakeFirstOrThrow()).elected).toBe(1);
      expect((await post(page, `${page}/nobody/verify`, { verified: '1' })).status).toBe(404);
      expect(await auditActions()).toEqual(expect.arrayContaining(['verify-candidate', 'set-elected']));
    });

    it('creates invitations for one candidate or for everyone not yet invited, and shows the links once', async () => {
      const one = cheerio.load((await post(page, `${page}/carla/invite`, {})).text);
      expect(one('input[type=url]').attr('value')).toMatch(/\/candidate\/invitation\/[A-Za-z0-9_-]{43}$/);
      expect(one('a[href^="https://wa.me/"]').length).toBe(1);
      // The whole message reaches WhatsApp, with the link in it intact.
      const shared = new URL(one('a[href^="https://wa.me/"]').attr('href')!).searchParams.get('text')!;
      expect(shared).toContain(one('input[type=url]').attr('value')!);
      // carla is now invited; in the mayor race ana and bruno (published by the organizers' import) never were.
      const bulk = cheerio.load((await post(page, `/admin/e/${e}/invitations`, { race: 'prefeito' })).text);
      expect(bulk('input[type=url]').length).toBe(2);
      const statuses = await ctx.db.selectFrom('candidates').select(['key', 'status']).orderBy('key').execute();
      expect(statuses).toEqual([
        { key: 'ana', status: 'published' },
        { key: 'bruno', status: 'published' },
        { key: 'carla', status: 'invited' },
        { key: 'davi', status: 'published' },
      ]);
    });
  });

  describe('moderation', () => {
    const page = `/admin/e/${e}/moderation`;
    it('hides a justification with a public reason, shown in its place and in the public log, and restores it', async () => {
      const list = cheerio.load((await admin.get(page)).text);
      expect(list('.answer').length).toBe(3);
      expect(errorsOf(await post(page, page, { candidate: 'ana', statement: 's1', action: 'hide', reason: 'x' }))).toEqual([
        'Give the reason in at least 5 characters: it is shown publicly in place of the justification.',
      ]);
      expect(errorsOf(await post(page, page, { candidate: 'ana', statement: 's4', action: 'hide', reason: 'Ofensivo' }))).toEqual([]);
      expect(errorsOf(await post(page, page, { candidate: 'carla', statement: 's1', action: 'hide', reason: 'Ofensiva a terceiros' }))).toEqual([
        'This candidate has not published an answer to this statement.',
      ]);
      expect((await post(page, page, { candidate: 'ana', statement: 's1', action: 'hide', reason: 'Ataque pessoal a outra candidata' })).status).toBe(303);

      const publicPage = cheerio.load((await request(ctx.app).get(`/e/${e}/candidates/ana?lang=en`)).text);
      expect(publicPage('.answer').first().find('.justification').length).toBe(0);
      expect(publicPage('.answer').first().find('.moderated').text()).toBe('Justification hidden by the organizers: Ataque pessoal a outra candidata');
      // The answer still counts.
      expect(publicPage('.answer .value').first().text().trim()).toBe('Strongly agree');
      const transparency = cheerio.load((await request(ctx.app).get(`/e/${e}/transparency?lang=en`)).text);
      expect(transparency('#moderation-heading').parent().find('li').text()).toContain('justification hidden — “Ataque pessoal a outra candidata”');
      const api = await request(ctx.app).get(`/api/v1/elections/${e}/candidates?race=prefeito`);
      expect(api.body.candidates.find((c: { id: string }) => c.id === 'ana').answers.s1).toEqual({ value: 5, justification: null, hiddenReason: 'Ataque pessoal a outra candidata' });

      expect((await post(page, page, { candidate: 'ana', statement: 's1', action: 'restore' })).status).toBe(303);
      const restored = cheerio.load((await request(ctx.app).get(`/e/${e}/candidates/ana`)).text);
      expect(restored('.justification').first().text()).toBe('A cidade perdeu sombra nas últimas décadas.');
      expect(await auditActions()).toEqual(expect.arrayContaining(['moderation-hide', 'moderation-restore']));
    });
  });

  describe('imports', () => {
    const page = `/admin/e/${e}/import`;
    const upload = async (path: 'package' | 'tse', name: string, content: string | Buffer) => {
      const token = csrfOf(await admin.get(page));
      return admin.post(`/admin/e/${e}/import/${path}?_csrf=${encodeURIComponent(token)}&lang=en`).attach('file', Buffer.from(content), name);
    };

    it('imports an uploaded package, listing every fault of a bad one and writing nothing', async () => {
      const bad = { ...(packageWithTwentyFaults() as Record<string, unknown>) };
      (bad.election as Record<string, unknown>).slug = e;
      const refused = await upload('package', 'bad.json', JSON.stringify(bad));
      expect(refused.status).toBe(400);
      expect(errorsOf(refused).length).toBeGreaterThanOrEqual(19);
      expect(errorsOf(refused)).toContain('candidates[0].answers.s1.value: 9 is outside the 1–5 scale');
      const other = await upload('package', 'demo.json', fixtureText('demo-election.json'));
      expect(errorsOf(other)).toEqual(['This package is for the election “serra-azul-2028”, not this one.']);

      const changed = loadFixture('small-election.json');
      changed.candidates[1]!.name = 'Bruno Lima da Silva';
      const ok = await upload('package', 'ok.json', JSON.stringify(changed));
      expect(ok.status).toBe(303);
      expect((await ctx.db.selectFrom('candidates').select('name').where('key', '=', 'bruno').executeTakeFirstOrThrow()).name).toBe('Bruno Lima da Silva');
      // Without the token in the query string, the upload is refused.
      expect((await admin.post(`/admin/e/${e}/import/package`).attach('file', Buffer.from('{}'), 'x.json')).status).toBe(403);
    });

    it('imports an uploaded roster in the background and shows its progress and summary', async () => {
      const roster = [
        'SQ_CANDIDATO;NM_CANDIDATO;NM_URNA_CANDIDATO;NR_CANDIDATO;SG_UF;SG_UE;NM_UE;CD_CARGO;DS_CARGO;SG_PARTIDO;NR_PARTIDO;NM_PARTIDO',
        '2001;ELISA MOURA;ELISA;71003;AC;01554;VILA PEQUENA;13;VEREADOR;PA;71;PARTIDO DA ARVORE',
        ';SEM SQ;X;71004;AC;01554;VILA PEQUENA;13;VEREADOR;PA;71;PARTIDO DA ARVORE',
      ].join('\r\n');
      const res = await upload('tse', 'consulta_cand.csv', Buffer.from(roster, 'latin1'));
      expect(res.status).toBe(303);
      const job = res.headers.location!;
      expect(job).toMatch(/^\/admin\/jobs\/[0-9a-f-]{36}$/);
      // The import runs after the response: look until it says it is done (bounded).
      let $ = cheerio.load((await admin.get(`${job}?lang=en`)).text);
      for (let i = 0; i < 200 && $('meta[http-equiv=refresh]').length > 0; i += 1) {
        await new Promise((resolve) => setImmediate(resolve));
        $ = cheerio.load((await admin.get(`${job}?lang=en`)).text);
      }
      expect($('[role=status]').text()).toBe('Done');
      expect($('main').text()).toContain('2 rows: 1 candidates created, 0 updated, 0 unchanged, 1 rejected');
      expect($('main li').text()).toBe('line 3: no SQ_CANDIDATO');
      expect(await ctx.db.selectFrom('candidates').select('name').where('official_id', '=', '2001').executeTakeFirst()).toEqual({ name: 'Elisa Moura' });

      const broken = await upload('tse', 'broken.csv', Buffer.from('NOME;CARGO\nANA;VEREADOR\n', 'latin1'));
      let b = cheerio.load((await admin.get(`${broken.headers.location!}?lang=en`)).text);
      for (let i = 0; i < 200 && b('meta[http-equiv=refresh]').length > 0; i += 1) {
        await new Promise((resolve) => setImmediate(resolve));
        b = cheerio.load((await admin.get(`${broken.headers.location!}?lang=en`)).text);
      }
      expect(b('[role=status]').text()).toBe('Failed: nothing was written');
      expect(b('[role=alert]').text()).toContain('line 1: the columns SQ_CANDIDATO, NM_CANDIDATO, SG_UE | NM_UE, CD_CARGO | DS_CARGO are missing');
      const empty = await upload('tse', 'none.csv', '');
      expect(empty.status).toBe(400);
      expect(errorsOf(empty)).toEqual(['Choose a file.']);
    });
  });
});
