import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishDraft, saveDraft } from '../../src/services/candidate-answers.js';
import { writePackage } from '../../src/services/election-packages.js';
import { acceptInvitation, csrfOf, inviteLink, logInAs, PASSWORD, signedInAdmin } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { commandLine } from '../helpers/cli.js';
import { tamperWithHistory } from '../helpers/database.js';
import { expectStrictHtmlPage } from '../helpers/html.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * The small election (see fixtures/small-election.json): carla (council, no answers, not invited),
 * davi (council, published s3 = 1 and s4 = 5). Statements s1, s2, s4 have 5 points, s3 has 3.
 */
describe('the candidate area', () => {
  let ctx: TestContext;
  const election = 'vila-pequena-2028';
  const verify = async () => {
    const result = await commandLine(ctx.config.databaseUrl)('verify');
    return { code: result.code, out: result.stdout + result.stderr };
  };
  const count = async (table: 'answers' | 'answer_drafts' | 'answer_history' | 'sessions') =>
    Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
  });
  afterEach(() => ctx.close());

  it('takes a candidate from invitation to published answers and a public change history', async () => {
    const agent = request.agent(ctx.app);
    const link = await inviteLink(ctx, election, 'carla');

    // The link's token leaves the address at once.
    const arrival = await agent.get(link);
    expect(arrival.status).toBe(303);
    expect(arrival.headers.location).toBe('/candidate/welcome');
    expect(arrival.headers['referrer-policy']).toBe('no-referrer');

    // Setting the password: a leaked one and a mismatch are refused, in the candidate's language.
    const welcome = expectStrictHtmlPage(await agent.get('/candidate/welcome?lang=en'), { lang: 'en', signedInArea: true });
    expect(welcome('.lead').text()).toContain('Carla Nunes');
    const csrf = welcome('input[name=_csrf]').attr('value')!;
    const leaked = await agent.post('/candidate/welcome?lang=en').type('form').send({ _csrf: csrf, email: 'carla@example.org', password: 'password1234', confirm: 'password1234' });
    expect(leaked.status).toBe(400);
    expect(cheerio.load(leaked.text)('.error-summary').text()).toContain('appears in lists of leaked passwords');
    // The message is tied to the field it is about.
    expect(cheerio.load(leaked.text)('#password').attr('aria-describedby')).toBe('form-error password-hint');
    expect(cheerio.load(leaked.text)('#password').attr('aria-invalid')).toBe('true');
    const short = await agent.post('/candidate/welcome?lang=en').type('form').send({ _csrf: csrf, email: 'carla@example.org', password: 'short', confirm: 'short' });
    expect(cheerio.load(short.text)('.error-summary').text()).toContain('at least 12 characters');
    const mismatch = await agent.post('/candidate/welcome?lang=en').type('form').send({ _csrf: csrf, email: 'carla@example.org', password: PASSWORD, confirm: `${PASSWORD}!` });
    expect(cheerio.load(mismatch.text)('.error-summary').text()).toContain('do not match');
    expect(cheerio.load(mismatch.text)('#confirm').attr('aria-describedby')).toBe('form-error');
    expect(cheerio.load(mismatch.text)('#password').attr('aria-invalid')).toBeUndefined();
    const accepted = await agent.post('/candidate/welcome').type('form').send({ _csrf: csrf, email: 'Carla@Example.org', password: PASSWORD, confirm: PASSWORD });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe('/candidate');

    // The invitation works once.
    expect((await request(ctx.app).get(link)).status).toBe(410);

    // Draft: saved, private, previewable.
    const dashboard = expectStrictHtmlPage(await agent.get('/candidate?lang=en'), { lang: 'en', signedInArea: true });
    expect(dashboard('.summary').text()).toContain('answered 0 of 4');
    const questionnaire = await agent.get('/candidate/questionnaire');
    const q = cheerio.load(questionnaire.text);
    expect(q('fieldset.statement').length).toBe(4);
    expect(q('input[name=v_s3]').map((_, i) => q(i).attr('value')).get()).toEqual(['1', '2', '3', 'none']);
    const draft = await agent
      .post('/candidate/questionnaire')
      .type('form')
      .send({ _csrf: csrfOf(questionnaire), v_s1: '4', j_s1: 'Cada bairro precisa de sombra.', v_s3: 'none', next: 'draft' });
    expect(draft.status).toBe(303);
    expect(draft.headers.location).toBe('/candidate/questionnaire?saved=1');
    const publicBefore = cheerio.load((await request(ctx.app).get(`/e/${election}/candidates/carla?lang=en`)).text);
    expect(publicBefore('.empty').first().text()).toBe('This candidate has not published answers yet.');
    const preview = cheerio.load((await agent.get('/candidate/preview?lang=en')).text);
    expect(preview('.answer .value').first().text().trim()).toBe('Agree');
    expect(preview('.justification').first().text()).toBe('Cada bairro precisa de sombra.');

    // Publish: voters see it, and matching knows it at once.
    const publish = await agent.post('/candidate/publish').type('form').send({ _csrf: csrfOf(await agent.get('/candidate')) });
    expect(publish.status).toBe(303);
    const published = cheerio.load((await request(ctx.app).get(`/e/${election}/candidates/carla?lang=en`)).text);
    expect(published('.answer .value').first().text().trim()).toBe('Agree');
    const match = await request(ctx.app)
      .post(`/api/v1/elections/${election}/match`)
      .send({ race: 'vereador', answers: { s1: 4, s2: 4 } });
    expect(match.body.results.map((r: { candidate: string }) => r.candidate)).toEqual(['carla']);
    expect(await count('answer_history')).toBe(0);

    // Edit after publication: every change goes into the public, chained history.
    const again = await agent.get('/candidate/questionnaire');
    expect(cheerio.load(again.text)('input[name=v_s1][value=4]').is(':checked')).toBe(true);
    await agent
      .post('/candidate/questionnaire')
      .type('form')
      .send({ _csrf: csrfOf(again), v_s1: '2', j_s1: 'Mudei de ideia: o custo de manutenção é alto.', v_s3: 'none', next: 'draft' });
    await agent.post('/candidate/publish').type('form').send({ _csrf: csrfOf(await agent.get('/candidate')) });
    const history = cheerio.load((await request(ctx.app).get(`/e/${election}/candidates/carla?lang=en`)).text);
    expect(history('.history li').length).toBe(1);
    expect(history('.history li').text()).toContain('from “Agree” to “Disagree”');
    // Both justifications, before and after.
    expect(history('.history li .history-texts dt').map((_, dt) => history(dt).text()).get()).toEqual(['Justification before', 'Justification after']);
    expect(history('.history li .history-texts blockquote').map((_, q) => history(q).text()).get()).toEqual([
      'Cada bairro precisa de sombra.',
      'Mudei de ideia: o custo de manutenção é alto.',
    ]);
    expect((await verify()).code).toBe(0);

    // Tampering with the history or its texts behind the database's back is found and named.
    await tamperWithHistory(ctx.config.databaseUrl, "update justification_texts set text = 'outra coisa' where text like 'Mudei%'");
    const tampered = await verify();
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain(`History of “${election}” is broken at entry 1: the new justification does not match its SHA-256`);
  });

  it('keeps a seeded order of a race’s candidates when their rows change', async () => {
    const order = async () => {
      const $ = cheerio.load((await request(ctx.app).get(`/e/${election}/races/vereador?lang=en&seed=7`)).text);
      return $('.candidates .candidate .ballot-name').map((_, el) => $(el).text()).get();
    };
    const before = await order();
    // A new import gives carla the court's id: her row is rewritten (on PostgreSQL, moved on disk);
    // the order drawn from seed 7 must not follow where rows happen to lie.
    const pkg = loadFixture('small-election.json');
    pkg.candidates.find((c) => c.id === 'carla')!.officialId = '250001234567';
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
    expect(await order()).toEqual(before);
  });

  it('chains publications that happen at the same moment one after the other', async () => {
    // ana and davi have published (s1–s4 and s3–s4); each now changes two answers, both at once.
    const ids = await ctx.db.selectFrom('candidates').select(['id', 'key']).where('key', 'in', ['ana', 'davi']).execute();
    const statement = new Map(
      (await ctx.db.selectFrom('statements').select(['id', 'key']).execute()).map((row) => [row.key, row.id]),
    );
    for (const { id } of ids) {
      await saveDraft(ctx, {
        candidateId: id,
        answers: [
          { statementId: statement.get('s3')!, value: 2, justification: null },
          { statementId: statement.get('s4')!, value: 1, justification: null },
        ],
      });
    }
    // Open the connections first (PostgreSQL), so both transactions truly run side by side.
    await Promise.all(ids.map(() => ctx.db.transaction().execute((trx) => trx.selectFrom('elections').select('id').execute())));
    const outcomes = await Promise.all(ids.map(({ id }) => publishDraft(ctx, { candidateId: id, actor: 'candidate' })));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const seqs = await ctx.db.selectFrom('answer_history').select('seq').orderBy('seq').execute();
    expect(seqs.map((r) => r.seq)).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBeGreaterThanOrEqual(3);
    expect((await verify()).code).toBe(0);
  });

  it('logs in and out, renewing the session at login and ending it at logout', async () => {
    const first = request.agent(ctx.app);
    await acceptInvitation(first, await inviteLink(ctx, election, 'carla'), 'carla@example.org');
    expect(await count('sessions')).toBe(1);

    const agent = request.agent(ctx.app);
    const wrong = await logInAs(agent, { email: 'carla@example.org', password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    const login = await logInAs(agent, { email: 'carla@example.org' });
    expect(login.status).toBe(303);
    expect(await count('sessions')).toBe(2);
    expect((await agent.get('/candidate')).status).toBe(200);

    const logout = await agent.post('/candidate/logout').type('form').send({ _csrf: csrfOf(await agent.get('/candidate')) });
    expect(logout.status).toBe(303);
    expect(await count('sessions')).toBe(1);
    const after = await agent.get('/candidate');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/candidate/login');
  });

  it('ends sessions after the idle and the absolute limits', async () => {
    const agent = request.agent(ctx.app);
    await acceptInvitation(agent, await inviteLink(ctx, election, 'carla'), 'carla@example.org');
    // Idle limit: 12 hours by default.
    ctx.clock.set('2028-09-01T23:59:00.000Z');
    expect((await agent.get('/candidate')).status).toBe(200);
    ctx.clock.set('2028-09-02T12:00:00.000Z');
    expect((await agent.get('/candidate')).status).toBe(303);

    // Absolute limit: 7 days, however active.
    const busy = request.agent(ctx.app);
    await logInAs(busy, { email: 'carla@example.org' });
    for (let hour = 10; hour < 7 * 24; hour += 10) {
      ctx.clock.set(new Date(Date.parse('2028-09-02T12:00:00.000Z') + hour * 3_600_000).toISOString());
      expect((await busy.get('/candidate')).status).toBe(200);
    }
    ctx.clock.set(new Date(Date.parse('2028-09-02T12:00:00.000Z') + 7 * 24 * 3_600_000).toISOString());
    expect((await busy.get('/candidate')).status).toBe(303);
  });

  it('refuses expired and reused links', async () => {
    const link = await inviteLink(ctx, election, 'carla');
    ctx.clock.set('2028-09-15T12:00:01.000Z'); // 14 days and a second later
    const expired = await request(ctx.app).get(`${link}?lang=en`);
    expect(expired.status).toBe(410);
    expect(cheerio.load(expired.text)('h1').text()).toBe('Link expired');
    expect((await request(ctx.app).get('/candidate/invitation/not-a-token')).status).toBe(404);
    expect((await request(ctx.app).get(`/candidate/invitation/${'A'.repeat(43)}`)).status).toBe(404);

    // A newer invitation replaces the older one.
    ctx.clock.set('2028-09-01T12:00:00.000Z');
    const older = await inviteLink(ctx, election, 'carla');
    const newer = await inviteLink(ctx, election, 'carla');
    expect((await request(ctx.app).get(older)).status).toBe(410);
    expect((await request(ctx.app).get(newer)).status).toBe(303);
  });

  it('refuses a token-less or cross-site POST and changes nothing', async () => {
    const agent = request.agent(ctx.app);
    await acceptInvitation(agent, await inviteLink(ctx, election, 'carla'), 'carla@example.org');
    const drafts = await count('answer_drafts');
    const noToken = await agent.post('/candidate/questionnaire?lang=en').type('form').send({ v_s1: '5' });
    expect(noToken.status).toBe(403);
    expect(cheerio.load(noToken.text)('main').text()).toContain('This form has expired or came from another site');
    const wrongToken = await agent.post('/candidate/questionnaire').type('form').send({ _csrf: 'forged', v_s1: '5' });
    expect(wrongToken.status).toBe(403);
    const token = csrfOf(await agent.get('/candidate/questionnaire'));
    const crossSite = await agent.post('/candidate/questionnaire').set('Sec-Fetch-Site', 'cross-site').type('form').send({ _csrf: token, v_s1: '5' });
    expect(crossSite.status).toBe(403);
    const publish = await agent.post('/candidate/publish').type('form').send({});
    expect(publish.status).toBe(403);
    // A token from another session is no good either.
    const other = request.agent(ctx.app);
    const foreign = csrfOf(await other.get('/candidate/login'));
    expect((await agent.post('/candidate/questionnaire').type('form').send({ _csrf: foreign, v_s1: '5' })).status).toBe(403);
    expect(await count('answer_drafts')).toBe(drafts);
    expect((await agent.post('/candidate/questionnaire').type('form').send({ _csrf: token, v_s1: '5' })).status).toBe(303);
  });

  it('gives the form back, nothing lost, when an answer is out of place', async () => {
    const agent = request.agent(ctx.app);
    await acceptInvitation(agent, await inviteLink(ctx, election, 'carla'), 'carla@example.org');
    const form = await agent.get('/candidate/questionnaire');
    const res = await agent
      .post('/candidate/questionnaire?lang=en')
      .type('form')
      .send({ _csrf: csrfOf(form), v_s1: '5', j_s1: 'Fica.', v_s3: '5', j_s2: 'Sem resposta escolhida', j_s4: 'x'.repeat(1501) });
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('.error-summary li').map((_, li) => $(li).text()).get()).toEqual([
      'Statement s2: choose an answer (or “I prefer not to answer”) for the justification.',
      'Statement s3: the answer must be between 1 and 3.',
      'Statement s4: the justification can have at most 1,500 characters.',
    ]);
    expect($('input[name=v_s1][value=5]').is(':checked')).toBe(true);
    expect($('#j_s1').text()).toBe('Fica.');
    expect($('#j_s2').text()).toBe('Sem resposta escolhida');
    expect(await count('answer_drafts')).toBe(0);
  });

  it('lists the profile form’s errors with links to their fields, each field describing its own', async () => {
    const agent = request.agent(ctx.app);
    await acceptInvitation(agent, await inviteLink(ctx, election, 'carla'), 'carla@example.org');
    const form = await agent.get('/candidate/profile');
    const res = await agent
      .post('/candidate/profile?lang=en')
      .type('form')
      .send({ _csrf: csrfOf(form), bio: 'Professora.', links: 'ftp://example.org/carla', photoUrl: 'http://example.org/carla.jpg' });
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('.error-summary[role=alert] a').map((_, a) => $(a).attr('href')).get()).toEqual(['#links', '#photoUrl']);
    for (const field of ['links', 'photoUrl']) {
      expect($(`#${field}`).attr('aria-invalid')).toBe('true');
      const described = $(`#${field}`).attr('aria-describedby')!.split(' ');
      expect($(`#${described[0]}`).text()).toBe($(`.error-summary a[href="#${field}"]`).text());
    }
    expect($('#bio').attr('aria-invalid')).toBeUndefined();
    expect($('#bio').text()).toBe('Professora.');
  });

  it('keeps each candidate to their own data', async () => {
    const carla = request.agent(ctx.app);
    await acceptInvitation(carla, await inviteLink(ctx, election, 'carla'), 'carla@example.org');
    const davi = request.agent(ctx.app);
    await acceptInvitation(davi, await inviteLink(ctx, election, 'davi'), 'davi@example.org');

    // Davi's draft is his alone.
    const form = await davi.get('/candidate/questionnaire');
    await davi.post('/candidate/questionnaire').type('form').send({ _csrf: csrfOf(form), v_s1: '1', j_s1: 'rascunho do Davi' });
    for (const path of ['/candidate', '/candidate/questionnaire', '/candidate/preview', '/candidate/profile']) {
      const res = await carla.get(`${path}?candidate=davi&id=davi`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('rascunho do Davi');
      expect(res.text).not.toContain('Davi Ramos');
    }
    // The organizer routes that name a candidate are closed to candidates.
    const csrf = csrfOf(await carla.get('/candidate'));
    expect((await carla.post(`/admin/e/${election}/candidates/davi/act`).type('form').send({ _csrf: csrf })).status).toBe(403);
    expect((await carla.get(`/admin/e/${election}/candidates`)).status).toBe(403);
    expect((await carla.post('/candidate/stop-acting').type('form').send({ _csrf: csrf })).status).toBe(403);
    // Publishing publishes only her own answers.
    const own = await carla.get('/candidate/questionnaire');
    await carla.post('/candidate/questionnaire').type('form').send({ _csrf: csrfOf(own), v_s1: '5' });
    await carla.post('/candidate/publish').type('form').send({ _csrf: csrfOf(await carla.get('/candidate')) });
    const daviPublic = cheerio.load((await request(ctx.app).get(`/e/${election}/candidates/davi?lang=en`)).text);
    expect(daviPublic('.answer .value').first().text().trim()).toBe('Did not answer');
  });

  it('lets an organizer act for a candidate who asks for help, recorded as such', async () => {
    const admin = request.agent(ctx.app);
    await signedInAdmin(ctx, admin, 'organizer@example.org');
    const list = await admin.get(`/admin/e/${election}/candidates?q=Davi`);
    expect(cheerio.load(list.text)('tbody tr').length).toBe(1);
    // The search ignores case on every database (PostgreSQL's `like` alone would not).
    for (const q of ['davi', 'RAMOS']) {
      const found = cheerio.load((await admin.get(`/admin/e/${election}/candidates?q=${q}`)).text);
      expect(found('tbody tr').length, q).toBe(1);
    }
    const act = await admin.post(`/admin/e/${election}/candidates/davi/act`).type('form').send({ _csrf: csrfOf(list) });
    expect(act.status).toBe(303);
    const dashboard = cheerio.load((await admin.get('/candidate?lang=en')).text);
    expect(dashboard('.acting').text()).toBe('You are acting for this candidate, at their request.');
    const form = await admin.get('/candidate/questionnaire');
    // Davi's published answers come pre-filled; the organizer changes s4 at his request.
    expect(cheerio.load(form.text)('input[name=v_s4][value=5]').is(':checked')).toBe(true);
    await admin.post('/candidate/questionnaire').type('form').send({ _csrf: csrfOf(form), v_s3: '1', v_s4: '3' });
    await admin.post('/candidate/publish').type('form').send({ _csrf: csrfOf(await admin.get('/candidate')) });
    const rows = await ctx.db.selectFrom('answer_history').select(['actor', 'old_value', 'new_value']).execute();
    expect(rows).toEqual([{ actor: 'organizer', old_value: 5, new_value: 3 }]);
    const page = cheerio.load((await request(ctx.app).get(`/e/${election}/candidates/davi?lang=en`)).text);
    expect(page('.history .actor').text()).toBe("(entered by the organizers at the candidate's request)");
    // Which organizer it was is kept in the audit log, not in the public history.
    const audit = await ctx.db.selectFrom('audit_log').select(['actor', 'action']).where('action', 'like', '%-for-candidate').orderBy('id').execute();
    expect(audit).toEqual([
      { actor: 'organizer@example.org', action: 'act-for-candidate' },
      { actor: 'organizer@example.org', action: 'publish-for-candidate' },
    ]);
    expect((await verify()).code).toBe(0);
  });

  it('resets a forgotten password by a single-use e-mailed link, ending other sessions', async () => {
    const agent = request.agent(ctx.app);
    await acceptInvitation(agent, await inviteLink(ctx, election, 'carla'), 'carla@example.org');
    const anonymous = request.agent(ctx.app);
    const form = await anonymous.get('/candidate/reset');
    const sent = await anonymous.post('/candidate/reset?lang=en').type('form').send({ _csrf: csrfOf(form), email: 'carla@example.org' });
    expect(sent.status).toBe(200);
    // The same answer for an unknown address: nobody learns who has an account.
    const unknown = await anonymous.post('/candidate/reset?lang=en').type('form').send({ _csrf: csrfOf(form), email: 'nobody@example.org' });
    expect(cheerio.load(unknown.text)('main').text()).toBe(cheerio.load(sent.text)('main').text());

    // The mail is written after the answer.
    await ctx.settled();
    const mail = await ctx.db.selectFrom('outbox').selectAll().where('to_address', '=', 'carla@example.org').executeTakeFirstOrThrow();
    const link = /https?:\/\/\S+/.exec(mail.body_text)![0];
    // Written in the language of the page the reset was asked from.
    expect(mail.subject).toBe('Concordo: new password');
    const path = new URL(link).pathname;
    expect((await anonymous.get(path)).status).toBe(303);
    const page = await anonymous.get('/candidate/password');
    const newPassword = 'a brand new passphrase for carla';
    const done = await anonymous.post('/candidate/password').type('form').send({ _csrf: csrfOf(page), password: newPassword, confirm: newPassword });
    expect(done.status).toBe(303);
    expect((await agent.get('/candidate')).status).toBe(303);
    expect((await request(ctx.app).get(path)).status).toBe(410);
    expect((await logInAs(request.agent(ctx.app), { email: 'carla@example.org', password: newPassword })).status).toBe(303);
    expect((await logInAs(request.agent(ctx.app), { email: 'carla@example.org' })).status).toBe(401);
  });

  it('refuses the 101st failed login on one account within an hour', async () => {
    const agent = request.agent(ctx.app);
    await acceptInvitation(agent, await inviteLink(ctx, election, 'carla'), 'carla@example.org');
    const attacker = request.agent(ctx.app);
    const token = csrfOf(await attacker.get('/candidate/login'));
    for (let attempt = 1; attempt <= 100; attempt += 1) {
      const res = await attacker.post('/candidate/login').type('form').send({ _csrf: token, email: 'carla@example.org', password: `guess number ${attempt}!` });
      expect(res.status).toBe(401);
    }
    const blocked = await attacker.post('/candidate/login?lang=en').type('form').send({ _csrf: token, email: 'carla@example.org', password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(cheerio.load(blocked.text)('main').text()).toContain('Too many failed attempts');
    // Another account is not locked by it.
    const other = await attacker.post('/candidate/login').type('form').send({ _csrf: token, email: 'someone@example.org', password: 'whatever it is' });
    expect(other.status).toBe(401);
  });
});

describe('account cookies', () => {
  it('are __Host- prefixed, HttpOnly, Secure and SameSite=Lax, and voter pages set none', async () => {
    const ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', COOKIE_SECURE: 'true' });
    try {
      expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
      const link = await inviteLink(ctx, 'vila-pequena-2028', 'carla');
      // Secure cookies are not sent back over plain HTTP by the test client: carry them by hand.
      const jar = new Map<string, string>();
      const keep = (res: request.Response) => {
        for (const line of (res.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
          const [pair] = line.split(';');
          const [name, value] = pair!.split('=');
          jar.set(name!, value!);
        }
        return res;
      };
      const cookie = () => [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
      const arrival = keep(await request(ctx.app).get(link));
      const linkCookie = (arrival.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-concordo_link='));
      expect(linkCookie).toMatch(/^__Host-concordo_link=[\w-]+; Max-Age=3600; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
      const form = keep(await request(ctx.app).get('/candidate/welcome').set('Cookie', cookie()));
      const accepted = keep(
        await request(ctx.app)
          .post('/candidate/welcome')
          .set('Cookie', cookie())
          .type('form')
          .send({ _csrf: csrfOf(form), email: 'carla@example.org', password: PASSWORD, confirm: PASSWORD }),
      );
      expect(accepted.status).toBe(303);
      const session = (accepted.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-concordo_session='))!;
      expect(session).toMatch(/^__Host-concordo_session=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
      const csrfCookie = (form.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-concordo_csrf='))!;
      expect(csrfCookie).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      expect((await request(ctx.app).get('/candidate').set('Cookie', cookie())).status).toBe(200);
      for (const url of ['/', '/e/vila-pequena-2028', '/e/vila-pequena-2028/quiz', '/methodology']) {
        expect((await request(ctx.app).get(url).set('Cookie', cookie())).headers['set-cookie']).toBeUndefined();
      }
    } finally {
      await ctx.close();
    }
  });
});
