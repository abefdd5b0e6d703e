import * as cheerio from 'cheerio';
import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { expect } from 'vitest';
import { createAdmin } from '../../src/services/auth.js';
import { COMMAND_LINE, inviteCandidates } from '../../src/services/invitations.js';
import { createMailer } from '../../src/services/mailer.js';
import { pino } from 'pino';
import type { Clock } from '../../src/domain/clock.js';
import request from 'supertest';
import type { TestContext } from './app.js';

/** A strong password that is on no breached list. */
export const PASSWORD = 'correct horse battery staple 2028';

/** The CSRF token a page's forms carry. */
export function csrfOf(res: Pick<Response, 'text'>): string {
  const token = cheerio.load(res.text)('input[name=_csrf]').first().attr('value');
  expect(token, "the page has no CSRF token").toBeTruthy();
  return token!;
}

/** The site path of an absolute link the app made. */
export const pathOf = (link: string) => new URL(link).pathname;

export async function inviteLink(ctx: Pick<TestContext, 'db' | 'config'> & { clock: Clock }, election: string, candidate: string): Promise<string> {
  const mailer = createMailer({ ...ctx, logger: pino({ level: 'silent' }) });
  const outcome = await inviteCandidates({ ...ctx, mailer }, { election, candidate, by: COMMAND_LINE });
  if (!outcome.ok || outcome.invitations.length !== 1) throw new Error(`no invitation: ${JSON.stringify(outcome)}`);
  return pathOf(outcome.invitations[0]!.link);
}

/** Accepts an invitation in an agent: the agent ends up signed in as the candidate. */
export async function acceptInvitation(agent: TestAgent, link: string, email: string): Promise<void> {
  const arrival = await agent.get(link);
  expect(arrival.status).toBe(303);
  const form = await agent.get('/candidate/welcome');
  const res = await agent
    .post('/candidate/welcome')
    .type('form')
    .send({ _csrf: csrfOf(form), email, password: PASSWORD, confirm: PASSWORD });
  expect(res.status, res.text).toBe(303);
  expect(res.headers.location).toBe('/candidate');
}

/** Signs an agent in through a login form. */
export async function logInAs(agent: TestAgent, input: { email: string; password?: string; area?: 'candidate' | 'admin' | 'volunteer' }) {
  const area = input.area ?? 'candidate';
  const form = await agent.get(`/${area}/login`);
  return agent
    .post(`/${area}/login`)
    .type('form')
    .send({ _csrf: csrfOf(form), email: input.email, password: input.password ?? PASSWORD });
}

/** An organizer account with a password, signed in in the agent. */
export async function signedInAdmin(ctx: TestContext, agent: TestAgent, email: string): Promise<void> {
  const created = await createAdmin(ctx, { email, path: '/admin/setup' });
  if (!created.ok) throw new Error('admin not created');
  expect((await agent.get(pathOf(created.link))).status).toBe(303);
  const form = await agent.get('/admin/setup');
  const res = await agent.post('/admin/setup').type('form').send({ _csrf: csrfOf(form), password: PASSWORD, confirm: PASSWORD });
  expect(res.status, res.text).toBe(303);
}

/** A volunteer signed up through the form and confirmed by the e-mailed link: the agent ends up signed in. */
export async function signedUpVolunteer(ctx: TestContext, email: string, name = 'Joana Voluntária'): Promise<{ agent: TestAgent; id: number }> {
  const agent = request.agent(ctx.app);
  const form = await agent.get('/volunteer/signup');
  const res = await agent.post('/volunteer/signup').type('form').send({ _csrf: csrfOf(form), name, email, password: PASSWORD, confirm: PASSWORD });
  expect(res.status).toBe(200);
  // The mail is written after the answer.
  await ctx.settled();
  const mail = await ctx.db.selectFrom('outbox').select('body_text').where('to_address', '=', email).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const link = /https?:\/\/\S+\/volunteer\/confirm\/[A-Za-z0-9_-]{43}/.exec(mail.body_text);
  expect(link, 'the confirmation mail has no link').not.toBeNull();
  expect((await agent.get(pathOf(link![0]))).status).toBe(303);
  const confirm = await agent.get('/volunteer/confirm');
  const confirmed = await agent.post('/volunteer/confirm').type('form').send({ _csrf: csrfOf(confirm), password: PASSWORD });
  expect(confirmed.status).toBe(303);
  expect(confirmed.headers.location).toBe('/volunteer');
  const user = await ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return { agent, id: user.id };
}
