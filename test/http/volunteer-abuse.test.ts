import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { csrfOf, PASSWORD, signedInAdmin } from '../helpers/accounts.js';
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

describe('volunteers and invitations', () => {
  let ctx: TestContext;
  let admin: TestAgent;
  let volunteer: { agent: TestAgent; id: number };

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', VOLUNTEER_MAX_HOLD: '3' });
    expect((await writePackage(ctx, { pkg: loadFixture('demo-election.json'), actor: 'test' })).ok).toBe(true);
    // From the court's roster: Cleide's e-mail is on file, Cícero's is not.
    await ctx.db.updateTable('candidates').set({ email: 'cleide@example.org' }).where('key', '=', 'c008').execute();
    admin = request.agent(ctx.app);
    await signedInAdmin(ctx, admin, 'organizer@example.org');
    volunteer = await approvedVolunteer('joana@example.org');
  });
  afterEach(() => ctx.close());

  async function approvedVolunteer(email: string) {
    const agent = request.agent(ctx.app);
    const form = await agent.get('/volunteer/signup');
    expect((await agent.post('/volunteer/signup').type('form').send({ _csrf: csrfOf(form), name: 'Joana Voluntária', email, password: PASSWORD, confirm: PASSWORD })).status).toBe(303);
    const { id } = await ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
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
});
