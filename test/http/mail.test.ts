import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { writePackage } from '../../src/services/election-packages.js';
import { COMMAND_LINE, inviteCandidates } from '../../src/services/invitations.js';
import { createMailer } from '../../src/services/mailer.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';
import { bodyOf, smtpSink } from '../helpers/smtp.js';

describe('e-mail through SMTP', () => {
  const sink = smtpSink();
  let ctx: TestContext;

  beforeAll(async () => {
    const port = await sink.listen();
    ctx = await createTestContext({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Concordo <convites@example.org>' });
    const pkg = loadFixture('small-election.json');
    expect((await writePackage(ctx, { pkg, actor: 'test' })).ok).toBe(true);
    await ctx.db.updateTable('candidates').set({ email: 'carla@example.org' }).where('key', '=', 'carla').execute();
  });
  afterAll(async () => {
    await ctx.close();
    await sink.close();
  });

  it('delivers invitations when SMTP_URL is set, and keeps a record of each', async () => {
    const mailer = createMailer({ ...ctx, logger: pino({ level: 'silent' }) });
    const outcome = await inviteCandidates({ ...ctx, mailer }, { election: 'vila-pequena-2028', candidate: 'carla', by: COMMAND_LINE });
    expect(outcome.ok).toBe(true);
    // Written to the outbox first; whoever made the mailer delivers it (the app does, after its answer).
    expect(sink.received).toHaveLength(0);
    await mailer.deliverPending();
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.to).toEqual(['carla@example.org']);
    expect(sink.received[0]!.data).toContain('From: Concordo <convites@example.org>');
    // The body is quoted-printable: undo its soft line breaks before reading the link.
    expect(bodyOf(sink.received[0]!)).toMatch(/\/candidate\/invitation\/[A-Za-z0-9_-]{43}/);
    const record = await ctx.db.selectFrom('outbox').select(['to_address', 'sent_at', 'error', 'delivery']).executeTakeFirstOrThrow();
    expect(record).toEqual({ to_address: 'carla@example.org', sent_at: expect.any(String), error: null, delivery: 'sent' });
  });
});
