import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/services/auth.js';
import { writePackage } from '../../src/services/election-packages.js';
import { acceptInvitation, csrfOf, inviteLink, pathOf } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

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
    // SETTLED
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
    // SETTLED

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
