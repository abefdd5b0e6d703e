import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { writePackage } from '../../src/services/election-packages.js';
import { COMMAND_LINE, inviteCandidates } from '../../src/services/invitations.js';
import { createMailer } from '../../src/services/mailer.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

/** A local SMTP server on a free loopback port that keeps what it receives. */
function smtpSink() {
  const received: Array<{ to: string[]; data: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  return {
    received,
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.to).toEqual(['carla@example.org']);
    expect(sink.received[0]!.data).toContain('From: Concordo <convites@example.org>');
    // The body is quoted-printable: undo its soft line breaks before reading the link.
    expect(sink.received[0]!.data.replace(/=\r?\n/g, '')).toMatch(/\/candidate\/invitation\/[A-Za-z0-9_-]{43}/);
    const record = await ctx.db.selectFrom('outbox').select(['to_address', 'sent_at', 'error']).executeTakeFirstOrThrow();
    expect(record).toEqual({ to_address: 'carla@example.org', sent_at: expect.any(String), error: null });
  });
});
