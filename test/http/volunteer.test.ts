import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { logContact, queue, takeCandidate } from '../../src/services/volunteers.js';
import { csrfOf, PASSWORD, signedInAdmin } from '../helpers/accounts.js';
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

  const signUp = async (email: string) => {
    const agent = request.agent(ctx.app);
    const form = await agent.get('/volunteer/signup');
    const res = await agent.post('/volunteer/signup').type('form').send({ _csrf: csrfOf(form), name: 'Joana Voluntária', email, password: PASSWORD, confirm: PASSWORD });
    expect(res.status).toBe(303);
    const user = await ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    return { agent, id: user.id };
  };
  const approve = async (id: number) => {
    const list = await admin.get('/admin/volunteers');
    expect((await admin.post(`/admin/volunteers/${id}/approve`).type('form').send({ _csrf: csrfOf(list) })).status).toBe(303);
  };
  const electionId = async () => (await ctx.db.selectFrom('elections').select('id').where('slug', '=', e).executeTakeFirstOrThrow()).id;

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
