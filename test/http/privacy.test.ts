import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as outboxQueue from '../../db/migrations/2026-12-07T010000-outbox-queue.js';
import { createAdmin } from '../../src/services/auth.js';
import { writePackage } from '../../src/services/election-packages.js';
import { acceptInvitation, csrfOf, inviteLink, pathOf } from '../helpers/accounts.js';
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
