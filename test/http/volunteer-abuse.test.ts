import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { csrfOf, pathOf, signedInAdmin, signedUpVolunteer } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { commandLine } from '../helpers/cli.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * A volunteer cannot take over a candidate (issue 20). A volunteer who holds
 * a candidate used to get a fresh invitation link on screen, which replaced
 * the candidate's own and let the volunteer register as the candidate. Now:
 * a candidate with an e-mail on file gets the invitation by e-mail, and the
 * volunteer never sees the link; a candidate who already has an invitation
 * that works gets no new one from a volunteer (an organizer may make one);
 * only for a candidate with no e-mail and no working invitation does the
 * volunteer get the link to pass on (SPEC §1). Every invitation records who
 * made it, shown in the organizer's audit log; takes are limited per day.
 *
 * The demo election: c008 (Cleide Nogueira), c016 (Cícero Bezerra), c026, c037, c041 and c044 answered nothing.
 */

const e = 'serra-azul-2028';
const TOKEN_LINK = /\/candidate\/invitation\/[A-Za-z0-9_-]{43}/;

describe('volunteers and invitations', () => {
  let ctx: TestContext;
  let admin: TestAgent;
  let volunteer: { agent: TestAgent; id: number };

  beforeEach(async () => {
    // Sessions outlast the day the last test waits.
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', VOLUNTEER_MAX_HOLD: '3', VOLUNTEER_TAKES_PER_DAY: '4', SESSION_IDLE_MINUTES: '2880' });
    expect((await writePackage(ctx, { pkg: loadFixture('demo-election.json'), actor: 'test' })).ok).toBe(true);
    // From the court's roster: Cleide's e-mail is on file, Cícero's is not.
    await ctx.db.updateTable('candidates').set({ email: 'cleide@example.org' }).where('key', '=', 'c008').execute();
    admin = request.agent(ctx.app);
    await signedInAdmin(ctx, admin, 'organizer@example.org');
    volunteer = await approvedVolunteer('joana@example.org');
  });
  afterEach(() => ctx.close());

  async function approvedVolunteer(email: string) {
    const { agent, id } = await signedUpVolunteer(ctx, email);
    const list = await admin.get('/admin/volunteers');
    expect((await admin.post(`/admin/volunteers/${id}/approve`).type('form').send({ _csrf: csrfOf(list) })).status).toBe(303);
    return { agent, id };
  }
  /** Presses a button of the volunteer's election page. */
  const press = async (agent: TestAgent, action: 'take' | 'release' | 'invite', candidate: string) => {
    const token = csrfOf(await agent.get(`/volunteer/e/${e}`));
    return agent.post(`/volunteer/e/${e}/${action}?lang=en`).type('form').send({ _csrf: token, candidate });
  };
  const invitations = (key: string) =>
    ctx.db
      .selectFrom('invitations')
      .innerJoin('candidates', 'candidates.id', 'invitations.candidate_id')
      .select(['invitations.created_by', 'invitations.used_at', 'invitations.expires_at'])
      .where('candidates.key', '=', key)
      .orderBy('invitations.id')
      .execute();
  const auditLines = async () => {
    const $ = cheerio.load((await admin.get(`/admin/e/${e}?lang=en`)).text);
    return $('#audit-heading + ol li').map((_, li) => $(li).text().replace(/^.*? — /, '')).get();
  };
  /** The mails written to candidates (after their answers), leaving out the volunteers' own confirmations. */
  const outbox = async () => {
    await ctx.settled();
    return ctx.db.selectFrom('outbox').select(['to_address', 'body_text']).where('to_address', 'not like', 'joana@%').orderBy('id').execute();
  };

  it('e-mails the invitation of a candidate with an e-mail on file, and never shows the volunteer the link', async () => {
    expect((await press(volunteer.agent, 'take', 'c008')).headers.location).toBe(`/volunteer/e/${e}?notice=taken`);
    const held = cheerio.load((await volunteer.agent.get(`/volunteer/e/${e}?lang=en`)).text);
    expect(held('form[action*="/invite"] button').text()).toBe('E-mail the invitation to the candidate');

    const res = await press(volunteer.agent, 'invite', 'c008');
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(TOKEN_LINK);
    const $ = cheerio.load(res.text);
    expect($('main [role=status]').text()).toBe('The invitation was e-mailed to cleide@example.org. Let the candidate know it is there: it works once.');
    // The message to send by phone or messaging app points to the e-mail, in the election's language.
    expect($('#invite-message').text()).toBe(
      'Olá, Cleide Aparecida Nogueira! Eleitoras e eleitores querem saber o que você pensa sobre os temas de Eleições municipais de Serra Azul e Lagoa Serena 2028. Enviamos para cleide@example.org um convite para responder ao questionário do Concordo (leva uns 15 minutos e cada resposta pode ter uma justificativa sua).',
    );
    expect($('#invite-message').text()).not.toMatch(/https?:/);

    // The link went to the candidate's address alone.
    const mails = await outbox();
    expect(mails.map((m) => m.to_address)).toEqual(['cleide@example.org']);
    expect(mails[0]!.body_text).toMatch(TOKEN_LINK);
    expect(await invitations('c008')).toEqual([expect.objectContaining({ created_by: `user:${volunteer.id}`, used_at: null })]);
    expect(await auditLines()).toContain('joana@example.org: invite · c008');
  });

  it('makes no new invitation when the candidate has one that works: only an organizer may, and the candidate’s own link keeps working', async () => {
    const invited = await admin.post(`/admin/e/${e}/candidates/c008/invite`).type('form').send({ _csrf: csrfOf(await admin.get(`/admin/e/${e}`)) });
    expect(invited.status).toBe(200);
    const candidateLink = pathOf(cheerio.load(invited.text)('#link-0').attr('value')!);
    expect(candidateLink).toMatch(TOKEN_LINK);

    await press(volunteer.agent, 'take', 'c008');
    const before = await invitations('c008');
    const res = await press(volunteer.agent, 'invite', 'c008');
    expect(res.status).toBe(409);
    expect(res.text).not.toMatch(TOKEN_LINK);
    expect(cheerio.load(res.text)('main [role=alert]').text()).toBe(
      'Cleide Nogueira already has an invitation that works until Sep 15, 2028, 12:00 PM. Only an organizer can make a new one; remind the candidate to look for it in their e-mail.',
    );
    expect(await invitations('c008')).toEqual(before);
    expect(await outbox()).toHaveLength(1);

    // The candidate's link still opens.
    expect((await request(ctx.app).get(candidateLink)).headers.location).toBe('/candidate/welcome');
    // An organizer may still make a new one, and the audit log says who made each.
    expect((await admin.post(`/admin/e/${e}/candidates/c008/invite`).type('form').send({ _csrf: csrfOf(await admin.get(`/admin/e/${e}`)) })).status).toBe(200);
    expect((await invitations('c008')).map((i) => i.created_by)).toEqual([expect.stringMatching(/^user:\d+$/), expect.stringMatching(/^user:\d+$/)]);
    expect((await auditLines()).filter((line) => line.includes('invite'))).toEqual(['organizer@example.org: invite · c008', 'organizer@example.org: invite · c008']);
  });

  it('gives the link to pass on for a candidate without e-mail, once: not a second while it works', async () => {
    await press(volunteer.agent, 'take', 'c016');
    const held = cheerio.load((await volunteer.agent.get(`/volunteer/e/${e}?lang=en`)).text);
    expect(held('form[action*="/invite"] button').text()).toBe('Get the invitation link and message');
    const first = cheerio.load((await press(volunteer.agent, 'invite', 'c016')).text);
    expect(first('#invite-message').text()).toMatch(TOKEN_LINK);
    expect(await invitations('c016')).toEqual([expect.objectContaining({ created_by: `user:${volunteer.id}` })]);

    const again = await press(volunteer.agent, 'invite', 'c016');
    expect(again.status).toBe(409);
    expect(again.text).not.toMatch(TOKEN_LINK);
    expect(await invitations('c016')).toHaveLength(1);
    expect(await auditLines()).toContain('joana@example.org: invite · c016');
  });

  it('records who made each invitation, an organizer, a volunteer or the command line, and shows it in the audit log', async () => {
    const invited = await admin.post(`/admin/e/${e}/candidates/c016/invite`).type('form').send({ _csrf: csrfOf(await admin.get(`/admin/e/${e}`)) });
    expect(invited.status).toBe(200);
    const { id: organizer } = await ctx.db.selectFrom('users').select('id').where('email', '=', 'organizer@example.org').executeTakeFirstOrThrow();
    expect(await invitations('c016')).toEqual([expect.objectContaining({ created_by: `user:${organizer}` })]);
    const run = await commandLine(ctx.config.databaseUrl)('invite', e, '--candidate', 'c026', '--print');
    expect(run.code, run.stderr).toBe(0);
    expect(await invitations('c026')).toEqual([expect.objectContaining({ created_by: 'cli' })]);
    await press(volunteer.agent, 'take', 'c037');
    expect((await press(volunteer.agent, 'invite', 'c037')).status).toBe(200);
    expect(await invitations('c037')).toEqual([expect.objectContaining({ created_by: `user:${volunteer.id}` })]);
    expect(await auditLines()).toEqual(expect.arrayContaining(['organizer@example.org: invite · c016', 'cli: invite · c026', 'joana@example.org: invite · c037']));
  });

  it('limits takes per volunteer per day, with a notice; releases stay possible; the next day, takes again', async () => {
    for (const key of ['c008', 'c016', 'c026']) expect((await press(volunteer.agent, 'take', key)).headers.location).toBe(`/volunteer/e/${e}?notice=taken`);
    expect((await press(volunteer.agent, 'release', 'c008')).headers.location).toBe(`/volunteer/e/${e}?notice=released`);
    expect((await press(volunteer.agent, 'take', 'c037')).headers.location).toBe(`/volunteer/e/${e}?notice=taken`);
    // Four takes today: a fifth is refused, even with room to hold one more.
    expect((await press(volunteer.agent, 'release', 'c016')).headers.location).toBe(`/volunteer/e/${e}?notice=released`);
    const refused = await press(volunteer.agent, 'take', 'c041');
    expect(refused.headers.location).toBe(`/volunteer/e/${e}?notice=daily_limit`);
    const notice = async (lang: string) => cheerio.load((await volunteer.agent.get(`${refused.headers.location}&lang=${lang}`)).text)('.notice[role=status]').text();
    expect(await notice('en')).toBe('You have taken 4 candidates in the last 24 hours, the most a volunteer may. Contact the ones you hold; you can take more tomorrow.');
    expect(await notice('pt-BR')).toBe('Você pegou 4 candidaturas nas últimas 24 horas, o máximo por voluntário. Contate as que você já tem; amanhã pode pegar mais.');
    expect(await notice('es')).toBe('Ha tomado 4 candidaturas en las últimas 24 horas, el máximo por voluntario. Contacte a las que ya tiene; mañana podrá tomar más.');
    const holds = await ctx.db.selectFrom('candidate_locks').select('candidate_id').where('volunteer_id', '=', volunteer.id).execute();
    expect(holds).toHaveLength(2);
    expect((await press(volunteer.agent, 'release', 'c026')).headers.location).toBe(`/volunteer/e/${e}?notice=released`);

    // Another volunteer is not held back by this one's count.
    const other = await approvedVolunteer('lucas@example.org');
    expect((await press(other.agent, 'take', 'c041')).headers.location).toBe(`/volunteer/e/${e}?notice=taken`);

    ctx.clock.set('2028-09-02T12:00:00.001Z');
    expect((await press(volunteer.agent, 'take', 'c044')).headers.location).toBe(`/volunteer/e/${e}?notice=taken`);
  });
});
