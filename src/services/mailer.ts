import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../domain/clock.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends e-mail: through SMTP when `SMTP_URL` is set, otherwise into the outbox table for an organizer to read. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function createMailer(deps: { config: Config; db: Db; clock: Clock; logger: Logger }): Mailer {
  const { config, db, clock, logger } = deps;
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  return {
    async send(mail) {
      const createdAt = clock.now().toISOString();
      if (!transport) {
        await db.insertInto('outbox').values({ to_address: mail.to, subject: mail.subject, body_text: mail.text, created_at: createdAt }).execute();
        return;
      }
      // Every message is kept in the outbox too, with its delivery outcome, so nothing sent is lost from view.
      let error: string | null = null;
      try {
        await transport.sendMail({ from: config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text });
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
        logger.error({ err: cause }, 'e-mail not delivered');
      }
      await db
        .insertInto('outbox')
        .values({
          to_address: mail.to,
          subject: mail.subject,
          body_text: mail.text,
          created_at: createdAt,
          sent_at: error ? null : clock.now().toISOString(),
          error,
        })
        .execute();
    },
  };
}
