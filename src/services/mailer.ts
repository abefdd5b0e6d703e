import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { claimNextMail, insertMail, markMailFailed, markMailSent } from '../db/repositories/outbox.js';
import type { Clock } from '../domain/clock.js';
import type { BackgroundTasks } from './background.js';
import { withoutTokens } from './tokens.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends e-mail through the outbox. `send` writes the mail there and returns:
 * with `SMTP_URL` set, the mail waits for `deliverPending`, which the app
 * runs in the background after every `send` (and the server every minute);
 * without, it stays there for an organizer to read and pass on.
 */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  /**
   * Delivers every mail waiting in the outbox through SMTP, one at a time,
   * until none is left (mails written by any process); nothing without SMTP.
   * Calls made while it runs share the run (and its next turn).
   */
  deliverPending(): Promise<void>;
}

/** A claim older than this belongs to a process that ended while sending: another takes it over. */
const CLAIM_TIMEOUT_MS = 10 * 60_000;

/**
 * The outbox mailer. Given `background`, every `send` starts a delivery
 * there; without it (the command line), whoever made the mailer calls
 * `deliverPending` before it exits.
 */
export function createMailer(deps: { config: Config; db: Db; clock: Clock; logger: Logger; background?: BackgroundTasks }): Mailer {
  const { config, db, clock, logger, background } = deps;
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;

  /** Takes one waiting mail and hands it to SMTP; false when none was waiting. */
  const deliverOne = async (smtp: NonNullable<typeof transport>): Promise<boolean> => {
    const now = clock.now();
    const mail = await claimNextMail(db, { now: now.toISOString(), staleBefore: new Date(now.getTime() - CLAIM_TIMEOUT_MS).toISOString() });
    if (!mail) return false;
    try {
      await smtp.sendMail({ from: config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text });
    } catch (cause) {
      logger.error({ err: cause }, 'e-mail not delivered');
      // Kept whole: an organizer can still pass the link on.
      await markMailFailed(db, { id: mail.id, error: cause instanceof Error ? cause.message : String(cause) });
      return true;
    }
    // Delivered: the copy kept says to whom, what and when, but opens nothing.
    await markMailSent(db, { id: mail.id, sentAt: clock.now().toISOString(), keptText: withoutTokens(mail.text) });
    return true;
  };

  let running: Promise<void> | null = null;
  let again = false;
  const deliverPending = (): Promise<void> => {
    if (!transport) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          while (await deliverOne(transport));
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };

  return {
    async send(mail) {
      await insertMail(db, { ...mail, createdAt: clock.now().toISOString(), delivery: transport ? 'pending' : 'manual' });
      if (transport) background?.run('e-mail delivery', deliverPending);
    },
    deliverPending,
  };
}
