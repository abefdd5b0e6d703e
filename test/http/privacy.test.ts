import { Writable } from 'node:stream';
import * as cheerio from 'cheerio';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as outboxQueue from '../../db/migrations/2026-12-07T010000-outbox-queue.js';
import express from 'express';
import { createApp } from '../../src/app.js';
import { seededRandom } from '../../src/domain/fairness.js';
import { createAdmin } from '../../src/services/auth.js';
import { writePackage } from '../../src/services/election-packages.js';
import { acceptInvitation, csrfOf, inviteLink, PASSWORD, pathOf } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { freePort } from '../browser/support/site.js';
import { loadFixture } from '../helpers/packages.js';
import { bodyOf, smtpSink } from '../helpers/smtp.js';

/*
 * The small election (fixtures/small-election.json): carla (council, no answers, not invited).
 */
const election = 'vila-pequena-2028';

/** A logger writing JSON lines into memory, as the process logger writes them to standard output. */
function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe('one-time tokens in the logs', () => {
  let ctx: TestContext;
  let log: ReturnType<typeof memoryLogger>;

  beforeEach(async () => {
    log = memoryLogger();
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' }, log.logger);
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
  });
  afterEach(() => ctx.close());

  const tokenOf = (path: string) => path.split('/').pop()!;
  const requestLines = () => log.lines.map((line) => JSON.parse(line) as { msg: string; req?: { path: string } }).filter((line) => line.req);

  it('never writes an invitation, reset or set-up token, good or bad, in a log line', async () => {
    const tokens: string[] = [];

    // A candidate's invitation, opened and used.
    const invitation = await inviteLink(ctx, election, 'carla');
    tokens.push(tokenOf(invitation));
    await acceptInvitation(request.agent(ctx.app), invitation, 'carla@example.org');

    // A password reset link, e-mailed, then opened.
    const anonymous = request.agent(ctx.app);
    const form = await anonymous.get('/candidate/reset');
    expect((await anonymous.post('/candidate/reset').type('form').send({ _csrf: csrfOf(form), email: 'carla@example.org' })).status).toBe(200);
    await ctx.settled();
    const mail = await ctx.db.selectFrom('outbox').select('body_text').where('to_address', '=', 'carla@example.org').executeTakeFirstOrThrow();
    const reset = pathOf(/https?:\/\/\S+/.exec(mail.body_text)![0]);
    tokens.push(tokenOf(reset));
    expect((await anonymous.get(reset)).status).toBe(303);

    // An organizer's set-up link.
    const created = await createAdmin(ctx, { email: 'organizer@example.org', path: '/admin/setup' });
    if (!created.ok) throw new Error('no organizer');
    const setup = pathOf(created.link);
    tokens.push(tokenOf(setup));
    expect((await request(ctx.app).get(setup)).status).toBe(303);

    // Tokens that open nothing: a guess, one pasted into a mistyped address, one with a stray character.
    const guess = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';
    const pasted = 'x9Kq2LmP0vR7tY4wZ1aB3cD5eF6gH8iJ0kL2mN4oP6q';
    tokens.push(guess, pasted);
    expect((await request(ctx.app).get(`/candidate/invitation/${guess}`)).status).toBe(404);
    expect((await request(ctx.app).get(`/candidate/reset/${guess}`)).status).toBe(404);
    expect((await request(ctx.app).get(`/admin/setup/${guess}`)).status).toBe(404);
    expect((await request(ctx.app).get(`/candidate/invitations/${pasted}`)).status).toBe(404);
    expect((await request(ctx.app).get(`/candidate/invitation/${pasted}/`)).status).toBeLessThan(500);
    expect((await request(ctx.app).get(`/${pasted}`)).status).toBe(404);
    await ctx.settled();

    expect(requestLines().length).toBeGreaterThan(10);
    for (const token of tokens) {
      expect(log.lines.filter((line) => line.includes(token))).toEqual([]);
    }
    // What the logs say instead: the route each request took.
    const paths = requestLines().map((line) => line.req!.path);
    expect(paths).toContain('/candidate/invitation/:token');
    expect(paths).toContain('/candidate/reset/:token');
    expect(paths).toContain('/admin/setup/:token');
    // A page that exists keeps its address; a path that matched no route keeps its harmless parts.
    expect(paths).toContain('/candidate/welcome');
    expect(paths).toContain('/candidate/invitations/:redacted');
  });
});

describe('the outbox', () => {
  const sink = smtpSink();
  let smtpPort: number;
  let ctx: TestContext | undefined;

  beforeAll(async () => {
    smtpPort = await sink.listen();
  });
  afterAll(() => sink.close());
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });

  /** A site with carla signed up, whose password reset is asked for. */
  const resetAsked = async (env: Record<string, string>) => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', ...env });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    await acceptInvitation(request.agent(ctx.app), await inviteLink(ctx, election, 'carla'), 'carla@example.org');
    const anonymous = request.agent(ctx.app);
    const form = await anonymous.get('/candidate/reset');
    expect((await anonymous.post('/candidate/reset').type('form').send({ _csrf: csrfOf(form), email: 'carla@example.org' })).status).toBe(200);
    await ctx.settled();
    return ctx.db.selectFrom('outbox').selectAll().where('to_address', '=', 'carla@example.org').executeTakeFirstOrThrow();
  };
  const linkIn = (text: string) => /https?:\/\/\S+\/candidate\/reset\/\S+/.exec(text)?.[0];

  it('keeps no working link of a mail SMTP took: to whom, what and when only', async () => {
    sink.received.length = 0;
    const kept = await resetAsked({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
    expect(sink.received).toHaveLength(1);
    const link = linkIn(bodyOf(sink.received[0]!))!;
    const token = link.split('/').pop()!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect(kept).toMatchObject({ delivery: 'sent', sent_at: expect.any(String), error: null, subject: expect.any(String) });
    expect(kept.body_text).not.toContain(token);
    expect(linkIn(kept.body_text)).toMatch(/\/candidate\/reset\/…$/);
    // What the outbox keeps opens nothing; the link the person received does.
    expect((await request(ctx!.app).get(pathOf(linkIn(kept.body_text)!))).status).toBe(404);
    expect((await request(ctx!.app).get(pathOf(link))).status).toBe(303);
  });

  it('removes the links of the mails sent before the outbox became a queue', async () => {
    ctx = await createTestContext();
    const db = ctx.db as unknown as Kysely<any>;
    await outboxQueue.down(db);
    const token = 'x9Kq2LmP0vR7tY4wZ1aB3cD5eF6gH8iJ0kL2mN4oP6q';
    const body = (n: number) => `Hello ${n},\nopen https://concordo.example.org/candidate/invitation/${token}${n} within 14 days.`;
    await db
      .insertInto('outbox')
      .values([
        { to_address: 'a@example.org', subject: 's', body_text: body(1), created_at: '2028-09-01T00:00:00.000Z', sent_at: '2028-09-01T00:00:01.000Z', error: null },
        { to_address: 'b@example.org', subject: 's', body_text: body(2), created_at: '2028-09-01T00:00:00.000Z', sent_at: null, error: 'refused' },
        { to_address: 'c@example.org', subject: 's', body_text: body(3), created_at: '2028-09-01T00:00:00.000Z', sent_at: null, error: null },
      ])
      .execute();
    await outboxQueue.up(db);
    const rows = await ctx.db.selectFrom('outbox').select(['to_address', 'delivery', 'body_text']).orderBy('to_address').execute();
    expect(rows).toEqual([
      { to_address: 'a@example.org', delivery: 'sent', body_text: 'Hello 1,\nopen https://concordo.example.org/candidate/invitation/… within 14 days.' },
      { to_address: 'b@example.org', delivery: 'failed', body_text: body(2) },
      { to_address: 'c@example.org', delivery: 'manual', body_text: body(3) },
    ]);
  });

  it('keeps the link for the organizers to pass on without SMTP, and when SMTP refuses the mail', async () => {
    const envs: Array<Record<string, string>> = [{}, { SMTP_URL: `smtp://127.0.0.1:${await freePort()}` }];
    for (const env of envs) {
      const kept = await resetAsked(env);
      expect(kept.delivery, JSON.stringify(env)).toBe('SMTP_URL' in env ? 'failed' : 'manual');
      expect(kept.sent_at).toBeNull();
      const link = linkIn(kept.body_text)!;
      expect(link.split('/').pop()).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await request(ctx!.app).get(pathOf(link))).status).toBe(303);
      await ctx!.close();
      ctx = undefined;
    }
  });
});

/**
 * The test's app again, over the same database and background work, with the
 * SQL of every query recorded, and how many had run when each answer went out.
 */
function recordingApp(ctx: TestContext) {
  const queries: string[] = [];
  const answered: number[] = [];
  const db = ctx.db.withPlugin({
    transformQuery: ({ node, queryId }) => {
      queries.push(ctx.db.getExecutor().compileQuery(node, queryId).sql);
      return node;
    },
    transformResult: ({ result }) => Promise.resolve(result),
  });
  const app = createApp({
    config: ctx.config,
    db,
    clock: ctx.clock,
    logger: pino({ level: 'silent' }),
    random: seededRandom(42),
    secret: 'test-secret-of-at-least-32-characters!',
    background: ctx.background,
  });
  const outer = express();
  outer.use((_req, res, next) => {
    res.once('finish', () => answered.push(queries.length));
    next();
  });
  outer.use(app);
  return { app: outer, queries, answered };
}

/** A page's bytes, its CSRF tokens (one per visitor) aside. */
const withoutCsrf = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');

describe('whether an e-mail address has an account', () => {
  let ctx: TestContext;
  const setUp = async (env: Record<string, string> = {}) => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', ...env });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    await acceptInvitation(request.agent(ctx.app), await inviteLink(ctx, election, 'carla'), 'carla@example.org');
  };
  afterEach(() => ctx.close());
  const mailsTo = async (to: string) => (await ctx.db.selectFrom('outbox').select('id').where('to_address', '=', to).execute()).length;

  it('password reset: the same answer, byte for byte, and the same work before it, for an address with an account and one without', async () => {
    await setUp();
    const { app, queries, answered } = recordingApp(ctx);
    const ask = async (email: string) => {
      const agent = request.agent(app);
      const form = await agent.get('/candidate/reset?lang=en');
      await ctx.settled();
      const start = queries.length;
      answered.length = 0;
      const res = await agent.post('/candidate/reset?lang=en').type('form').send({ _csrf: csrfOf(form), email });
      const sentAt = answered[0]!;
      await ctx.settled();
      // Headers aside from the time, the visitor's CSRF cookie and the rate limits' counts of this client and address.
      const { date: _date, 'set-cookie': _cookie, ratelimit: _count, 'ratelimit-policy': _policy, ...headers } = res.headers;
      return { status: res.status, headers, body: withoutCsrf(res.text), before: queries.slice(start, sentAt), after: queries.slice(sentAt) };
    };
    // The first count of the hour also clears the ended ones (rate-limit-store.ts): done before both.
    await ask('someone@example.org');
    const known = await ask('carla@example.org');
    const unknown = await ask('nobody@example.org');

    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(unknown.headers).toEqual(known.headers);
    expect(unknown.body).toBe(known.body);
    // Before the answer: the same statements (the rate limits' counts), none about accounts, links or mails.
    expect(known.before.length).toBeGreaterThan(0);
    expect(unknown.before).toEqual(known.before);
    expect(known.before.filter((sql) => /"(users|invitations|outbox)"/.test(sql))).toEqual([]);
    // After it, the look-up; a link and a mail for the account only.
    expect(known.after.some((sql) => /from "users"/.test(sql))).toBe(true);
    expect(unknown.after.some((sql) => /from "users"/.test(sql))).toBe(true);
    expect(await mailsTo('carla@example.org')).toBe(1);
    expect(await mailsTo('nobody@example.org')).toBe(0);
  });

  it('volunteer sign-up: the same answer, byte for byte, and the same work before it, for an address with an account and one without', async () => {
    await setUp();
    const { app, queries, answered } = recordingApp(ctx);
    const signUp = async (email: string) => {
      const agent = request.agent(app);
      const form = await agent.get('/volunteer/signup?lang=en');
      await ctx.settled();
      const start = queries.length;
      answered.length = 0;
      const res = await agent
        .post('/volunteer/signup?lang=en')
        .type('form')
        .send({ _csrf: csrfOf(form), name: 'Joana Voluntária', email, password: PASSWORD, confirm: PASSWORD });
      const sentAt = answered[0]!;
      await ctx.settled();
      const { date: _date, 'set-cookie': _cookie, ratelimit: _count, 'ratelimit-policy': _policy, ...headers } = res.headers;
      return { status: res.status, headers, body: withoutCsrf(res.text), before: queries.slice(start, sentAt), after: queries.slice(sentAt) };
    };
    await signUp('someone@example.org');
    const taken = await signUp('carla@example.org');
    const fresh = await signUp('joana@example.org');

    expect(taken.status).toBe(200);
    expect(fresh.status).toBe(taken.status);
    expect(fresh.headers).toEqual(taken.headers);
    expect(fresh.body).toBe(taken.body);
    expect(cheerio.load(fresh.body)('[role=status]').text()).toContain('Check your e-mail to confirm your sign-up');
    // Before the answer: the rate limits' counts, the same for both; no account looked up or made, no
    // password hashed (the hash is stored with the account, in the same work), no link, no mail.
    expect(fresh.before).toEqual(taken.before);
    expect(taken.before.filter((sql) => /"(users|invitations|outbox)"/.test(sql))).toEqual([]);
    // After it: an account to confirm and a link for the new address; a mail to both.
    expect(fresh.after.filter((sql) => /^insert into "(users|invitations|outbox)"/.test(sql)).map((sql) => sql.split('"')[1])).toEqual(['users', 'invitations', 'outbox']);
    expect(taken.after.filter((sql) => /^insert into /.test(sql)).map((sql) => sql.split('"')[1])).toEqual(['outbox']);
    expect(await mailsTo('carla@example.org')).toBe(1);
    expect(await mailsTo('joana@example.org')).toBe(1);
  });

  it('password reset: limited per e-mail address and per client address, answered requests counting too', async () => {
    await setUp({ RESET_MAX_PER_ACCOUNT: '2', RESET_MAX_PER_IP: '8' });
    const agent = request.agent(ctx.app);
    const token = csrfOf(await agent.get('/candidate/reset'));
    const reset = (email: string, lang = 'en') => agent.post(`/candidate/reset?lang=${lang}`).type('form').send({ _csrf: token, email });
    // Two for carla's address, the third refused; the same for an address without an account.
    expect((await reset('carla@example.org')).status).toBe(200);
    expect((await reset('Carla@Example.org')).status).toBe(200);
    const refused = await reset('carla@example.org');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many requests for this e-mail address, or from your connection, within an hour.');
    expect((await reset('nobody@example.org')).status).toBe(200);
    expect((await reset('nobody@example.org')).status).toBe(200);
    const refusedToo = await reset('nobody@example.org');
    expect(refusedToo.status).toBe(429);
    expect(withoutCsrf(refusedToo.text)).toBe(withoutCsrf(refused.text));
    await ctx.settled();
    expect(await mailsTo('carla@example.org')).toBe(2);
    // Six requests from this client so far: two more, then every address is refused to it, in its language.
    expect((await reset('a@example.org')).status).toBe(200);
    expect((await reset('b@example.org')).status).toBe(200);
    const pt = await reset('c@example.org', 'pt-BR');
    expect(pt.status).toBe(429);
    expect(pt.text).toContain('Pedidos demais para este e-mail, ou a partir da sua conexão, em uma hora.');
    expect((await reset('d@example.org', 'es')).text).toContain('Demasiadas solicitudes para este correo, o desde su conexión, en una hora.');
  });
});
