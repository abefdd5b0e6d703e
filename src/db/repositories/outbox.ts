import type { Db } from '../client.js';
import type { OutboxDelivery } from '../schema.js';

/* The outbox: every e-mail the service wrote, the queue of those SMTP has yet to take. Times are ISO 8601 in UTC. */

export interface QueuedMail {
  id: number;
  to: string;
  subject: string;
  text: string;
}

export async function insertMail(
  db: Db,
  mail: { to: string; subject: string; text: string; createdAt: string; delivery: Extract<OutboxDelivery, 'pending' | 'manual'> },
): Promise<void> {
  await db
    .insertInto('outbox')
    .values({ to_address: mail.to, subject: mail.subject, body_text: mail.text, created_at: mail.createdAt, delivery: mail.delivery })
    .execute();
}

/**
 * Claims the oldest mail waiting for SMTP, or one whose claim is older than
 * `staleBefore` (its process ended mid-send), for this process: the claim is
 * a conditional update, so two processes never both take one mail.
 */
export async function claimNextMail(db: Db, input: { now: string; staleBefore: string }): Promise<QueuedMail | null> {
  for (;;) {
    const next = await db
      .selectFrom('outbox')
      .select(['id', 'to_address', 'subject', 'body_text', 'claimed_at'])
      .where((eb) => eb.or([eb('delivery', '=', 'pending'), eb.and([eb('delivery', '=', 'sending'), eb('claimed_at', '<', input.staleBefore)])]))
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!next) return null;
    const claimed = await db
      .updateTable('outbox')
      .set({ delivery: 'sending', claimed_at: input.now })
      .where('id', '=', next.id)
      .where((eb) =>
        next.claimed_at === null
          ? eb('delivery', '=', 'pending')
          : eb.and([eb('delivery', '=', 'sending'), eb('claimed_at', '=', next.claimed_at)]),
      )
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 1) return { id: next.id, to: next.to_address, subject: next.subject, text: next.body_text };
    // Another process took it first: look again.
  }
}

/** A mail SMTP accepted: what stays of it is `keptText` (no working link). */
export async function markMailSent(db: Db, input: { id: number; sentAt: string; keptText: string }): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ delivery: 'sent', sent_at: input.sentAt, error: null, body_text: input.keptText, claimed_at: null })
    .where('id', '=', input.id)
    .execute();
}

/** A mail SMTP refused: kept whole, for an organizer to pass on. */
export async function markMailFailed(db: Db, input: { id: number; error: string }): Promise<void> {
  await db.updateTable('outbox').set({ delivery: 'failed', error: input.error, claimed_at: null }).where('id', '=', input.id).execute();
}
