import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { logContact, queue, takeCandidate } from '../../src/services/volunteers.js';
import { csrfOf, logInAs, PASSWORD, pathOf, signedInAdmin, signedUpVolunteer } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

/* The demo election: 6 candidates who answered nothing (status listed), 40 published. */
const e = 'serra-azul-2028';
const demo = loadFixture('demo-election.json');
const silent = demo.candidates.filter((c) => c.answers === undefined);

describe('volunteers', () => {
  let ctx: TestContext;
  let admin: TestAgent;

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', VOLUNTEER_MAX_HOLD: '3' });
    expect((await writePackage(ctx, { pkg: demo, actor: 'test' })).ok).toBe(true);
    admin = request.agent(ctx.app);
    await signedInAdmin(ctx, admin, 'organizer@example.org');
  });
  afterEach(() => ctx.close());

  /** The newest e-mail to an address, once the app has written it (after its answer). */
  const lastMailTo = async (to: string) => {
    await ctx.settled();
    return ctx.db.selectFrom('outbox').selectAll().where('to_address', '=', to).orderBy('id', 'desc').executeTakeFirstOrThrow();
  };
  const confirmLinkIn = (text: string) => pathOf(/https?:\/\/\S+\/volunteer\/confirm\/[A-Za-z0-9_-]{43}/.exec(text)![0]);
  const signUp = (email: string) => signedUpVolunteer(ctx, email);
  const approve = async (id: number) => {
    const list = await admin.get('/admin/volunteers');
    expect((await admin.post(`/admin/volunteers/${id}/approve`).type('form').send({ _csrf: csrfOf(list) })).status).toBe(303);
  };
  const electionId = async () => (await ctx.db.selectFrom('elections').select('id').where('slug', '=', e).executeTakeFirstOrThrow()).id;

  it('lets a volunteer in once the e-mailed link and the password chosen at sign-up confirm the address', async () => {
    const agent = request.agent(ctx.app);
    const form = await agent.get('/volunteer/signup?lang=en');
    const res = await agent.post('/volunteer/signup?lang=en').type('form').send({ _csrf: csrfOf(form), name: 'Joana Voluntária', email: 'joana@example.org', password: PASSWORD, confirm: PASSWORD });
    expect(res.status).toBe(200);
    expect(cheerio.load(res.text)('[role=status]').text()).toBe('Check your e-mail to confirm your sign-up: we sent a message to the address you gave. If it does not arrive within a few minutes, look in your spam folder.');
    const mail = await lastMailTo('joana@example.org');
    expect(mail.subject).toBe('Concordo: confirm your volunteer sign-up');
    // Not before the address is confirmed.
    const early = await logInAs(request.agent(ctx.app), { email: 'joana@example.org', area: 'volunteer' });
    expect(early.status).toBe(401);

    const link = confirmLinkIn(mail.body_text);
    const arrival = await agent.get(link);
    expect(arrival.status).toBe(303);
    expect(arrival.headers['referrer-policy']).toBe('no-referrer');
    const page = cheerio.load((await agent.get('/volunteer/confirm?lang=en')).text);
    expect(page('h1').text()).toBe('Confirm your sign-up');
    // Whoever holds the link but not the password (the address's owner, if someone else signed up with it) cannot confirm.
    const wrong = await agent.post('/volunteer/confirm?lang=en').type('form').send({ _csrf: page('input[name=_csrf]').attr('value'), password: 'not the password chosen' });
    expect(wrong.status).toBe(400);
    expect(cheerio.load(wrong.text)('.error-summary').text()).toContain('This is not the password chosen at sign-up.');
    const done = await agent.post('/volunteer/confirm').type('form').send({ _csrf: page('input[name=_csrf]').attr('value'), password: PASSWORD });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/volunteer');
    expect(cheerio.load((await agent.get('/volunteer?lang=en')).text)('[role=status]').text()).toContain('waiting for the organizers');
    // The link works once; the password works from now on.
    expect((await request(ctx.app).get(link)).status).toBe(410);
    expect((await logInAs(request.agent(ctx.app), { email: 'joana@example.org', area: 'volunteer' })).status).toBe(303);
  });

  it('e-mails the owner of an address that has an account, and changes nothing on the account', async () => {
    const { id } = await signUp('joana@example.org');
    const before = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const agent = request.agent(ctx.app);
    const form = await agent.get('/volunteer/signup?lang=en');
    const res = await agent.post('/volunteer/signup?lang=en').type('form').send({ _csrf: csrfOf(form), name: 'Someone Else', email: 'Joana@Example.org', password: `${PASSWORD} 2`, confirm: `${PASSWORD} 2` });
    expect(res.status).toBe(200);
    const mail = await lastMailTo('joana@example.org');
    // In the account's language (Joana signed up in Portuguese), not the language of whoever tried.
    expect(mail.subject).toBe('Concordo: alguém tentou se inscrever com o seu e-mail');
    expect(mail.body_text).toContain('/volunteer/login\n');
    expect(mail.body_text).toContain('/candidate/reset\n');
    expect(mail.body_text).not.toContain('Someone Else');
    expect(await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toEqual(before);
    expect((await logInAs(request.agent(ctx.app), { email: 'joana@example.org', password: `${PASSWORD} 2`, area: 'volunteer' })).status).toBe(401);
    // An organizer's or a candidate's address: the same answer, and a mail pointing to their own sign-in.
    const admin = await agent.post('/volunteer/signup?lang=en').type('form').send({ _csrf: csrfOf(form), name: 'Someone Else', email: 'organizer@example.org', password: PASSWORD, confirm: PASSWORD });
    expect(admin.text).toBe(res.text);
    expect((await lastMailTo('organizer@example.org')).body_text).toContain('/admin/login\n');
  });

  it('lets the owner of an address someone else signed up with take it over by a password reset', async () => {
    const squatter = request.agent(ctx.app);
    const form = await squatter.get('/volunteer/signup');
    await squatter.post('/volunteer/signup').type('form').send({ _csrf: csrfOf(form), name: 'Not Joana', email: 'joana@example.org', password: PASSWORD, confirm: PASSWORD });
    await ctx.settled();
    // Joana never got her own confirmation through; she asks for a new password.
    const owner = request.agent(ctx.app);
    const reset = await owner.get('/candidate/reset');
    expect((await owner.post('/candidate/reset').type('form').send({ _csrf: csrfOf(reset), email: 'joana@example.org' })).status).toBe(200);
    const link = pathOf(/https?:\/\/\S+\/candidate\/reset\/\S+/.exec((await lastMailTo('joana@example.org')).body_text)![0]);
    expect((await owner.get(link)).status).toBe(303);
    const page = await owner.get('/candidate/password');
    const mine = 'joana chose this one herself';
    const done = await owner.post('/candidate/password').type('form').send({ _csrf: csrfOf(page), password: mine, confirm: mine });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/volunteer');
    // Her password works, confirmed by the link; the one typed at sign-up does not.
    expect((await logInAs(request.agent(ctx.app), { email: 'joana@example.org', password: mine, area: 'volunteer' })).status).toBe(303);
    expect((await logInAs(request.agent(ctx.app), { email: 'joana@example.org', area: 'volunteer' })).status).toBe(401);
  });

  it('shows no queue to a volunteer the organizers have not approved', async () => {
    const { agent, id } = await signUp('joana@example.org');
    const home = cheerio.load((await agent.get('/volunteer?lang=en')).text);
    expect(home('[role=status]').text()).toContain('waiting for the organizers');
    const page = await agent.get(`/volunteer/e/${e}?lang=en`);
    expect(page.status).toBe(403);
    expect(page.text).not.toContain(silent[0]!.name);
    await approve(id);
    const queuePage = cheerio.load((await agent.get(`/volunteer/e/${e}?lang=en`)).text);
    // Every candidate who has not published, and nobody else.
    expect(queuePage('.queue li').length).toBe(silent.length);
  });

  it('never lets two volunteers hold the same candidate, and frees it when the hold expires', async () => {
    const a = await signUp('a@example.org');
    const b = await signUp('b@example.org');
    await approve(a.id);
    await approve(b.id);
    const id = await electionId();
    const target = silent[0]!.id;
    const outcomes = await Promise.all([
      takeCandidate(ctx, { electionId: id, candidateKey: target, volunteerId: a.id }),
      takeCandidate(ctx, { electionId: id, candidateKey: target, volunteerId: b.id }),
    ]);
    expect([...outcomes].sort()).toEqual(['held_by_other', 'taken']);
    const holder = outcomes[0] === 'taken' ? a : b;
    const other = holder === a ? b : a;
    // Over HTTP too: the other volunteer is told, and the candidate is not in their queue.
    const page = await other.agent.get(`/volunteer/e/${e}?lang=en`);
    const take = await other.agent.post(`/volunteer/e/${e}/take`).type('form').send({ _csrf: csrfOf(page), candidate: target });
    expect(take.headers.location).toBe(`/volunteer/e/${e}?notice=held_by_other`);
    expect(cheerio.load((await other.agent.get(`/volunteer/e/${e}`)).text)('.queue li').length).toBe(silent.length - 1);

    // 48 hours later the hold has expired: the other volunteer can take the candidate.
    ctx.clock.set('2028-09-03T12:00:01.000Z');
    expect(await takeCandidate(ctx, { electionId: id, candidateKey: target, volunteerId: other.id })).toBe('taken');
    expect(await logContact(ctx, { electionId: id, candidateKey: target, volunteerId: holder.id, channel: 'phone', outcome: 'no_answer', note: null })).toBe('not_held');
  });

  it('holds at most the configured number at a time', async () => {
    const a = await signUp('a@example.org');
    await approve(a.id);
    const id = await electionId();
    const results = [];
    for (const c of silent.slice(0, 4)) results.push(await takeCandidate(ctx, { electionId: id, candidateKey: c.id, volunteerId: a.id }));
    expect(results).toEqual(['taken', 'taken', 'taken', 'limit']);
    expect(await takeCandidate(ctx, { electionId: id, candidateKey: demo.candidates.find((c) => c.answers)!.id, volunteerId: a.id })).toBe('published');
  });

  it('logs contacts and shows the race’s response rate rising', async () => {
    const a = await signUp('a@example.org');
    await approve(a.id);
    const target = silent.find((c) => c.race === 'serra-azul-vereador')!;
    const council = demo.candidates.filter((c) => c.race === 'serra-azul-vereador');
    const answered = council.filter((c) => c.answers).length;
    let page = await a.agent.get(`/volunteer/e/${e}?lang=en`);
    await a.agent.post(`/volunteer/e/${e}/take`).type('form').send({ _csrf: csrfOf(page), candidate: target.id });
    page = await a.agent.get(`/volunteer/e/${e}?lang=en`);
    const token = csrfOf(page);
    await a.agent.post(`/volunteer/e/${e}/contacts`).type('form').send({ _csrf: token, candidate: target.id, channel: 'email', outcome: 'no_answer', note: '' });
    await a.agent.post(`/volunteer/e/${e}/contacts`).type('form').send({ _csrf: token, candidate: target.id, channel: 'whatsapp', outcome: 'promised', note: 'Responde até sexta' });
    const bad = await a.agent.post(`/volunteer/e/${e}/contacts`).type('form').send({ _csrf: token, candidate: target.id, channel: 'pigeon', outcome: 'promised' });
    expect(bad.status).toBe(400);
    let $ = cheerio.load((await a.agent.get(`/volunteer/e/${e}?lang=en`)).text);
    expect($('.attempts li').map((_, li) => $(li).text().replace(/^.*? — /, '')).get()).toEqual(['WhatsApp: Promised to answer — Responde até sexta', 'E-mail: No answer']);
    // Hand count: the council race has answered of council.length published.
    const before = Math.floor((100 * answered) / council.length + 0.5);
    expect($('#progress-heading').parent().text()).toContain(`${answered} of ${council.length} candidates answered (${before}%)`);

    // The invitation link to pass on, with a message in the election's language.
    const invite = cheerio.load((await a.agent.post(`/volunteer/e/${e}/invite`).type('form').send({ _csrf: token, candidate: target.id })).text);
    expect(invite('#invite-message').text()).toMatch(/^Olá, .+! .+ https?:\/\/\S+\/candidate\/invitation\/[A-Za-z0-9_-]{43}$/);
    expect(invite('a[href^="https://wa.me/?text="]').length).toBe(1);

    // The candidate answers: the race's rate rises.
    const pkg = loadFixture('demo-election.json');
    pkg.candidates.find((c) => c.id === target.id)!.answers = { s01: { value: 4 } };
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
    $ = cheerio.load((await a.agent.get(`/volunteer/e/${e}?lang=en`)).text);
    const after = Math.floor((100 * (answered + 1)) / council.length + 0.5);
    expect($('#progress-heading').parent().text()).toContain(`${answered + 1} of ${council.length} candidates answered (${after}%)`);
  });

  it('puts under-represented candidates first when the organizers choose so', async () => {
    const a = await signUp('a@example.org');
    await approve(a.id);
    const id = await electionId();
    await ctx.db.updateTable('elections').set({ volunteer_priority: 'underrepresented' }).where('id', '=', id).execute();
    const entries = await queue(ctx, { electionId: id, volunteerId: a.id, limit: 50 });
    const flag = (key: string) => {
      const c = demo.candidates.find((x) => x.id === key)!;
      const p = c.profile ?? {};
      return p.gender === 'mulher' || p.gender === 'não binário' || ['preta', 'parda', 'indígena'].includes(p.raceColor ?? '') || p.lgbt === true || p.collective === true;
    };
    const flags = entries.map((entry) => flag(entry.key));
    // Every under-represented candidate comes before every other.
    expect(flags).toEqual([...flags].sort((x, y) => Number(y) - Number(x)));
    expect(flags).toContain(true);
  });
});
