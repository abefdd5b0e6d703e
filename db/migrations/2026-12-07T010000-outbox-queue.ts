import { sql, type Kysely } from 'kysely';

/*
 * The outbox becomes the queue of e-mails: a request writes a mail and
 * answers, and a sender in the app delivers it through SMTP afterwards, so
 * that no answer waits for (or is timed by) a mail server. `delivery` says
 * where each mail stands: `pending` (for the sender), `sending` (claimed by
 * one process since `claimed_at`), `sent`, `failed`, or `manual` (no SMTP: an
 * organizer reads it and passes it on).
 *
 * A sent mail no longer keeps a working link: the tokens of the mails sent
 * before this migration are removed from their stored copy here.
 */

/** What a token of the service looks like in a text: 32 or more URL-safe base64 characters in a row. */
const TOKEN = /[A-Za-z0-9_-]{32,}/g;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('outbox')
    .addColumn('delivery', 'text', (c) =>
      c.notNull().defaultTo('manual').check(sql`delivery in ('pending', 'sending', 'sent', 'failed', 'manual')`),
    )
    .execute();
  await db.schema.alterTable('outbox').addColumn('claimed_at', 'text').execute();
  await db.updateTable('outbox').set({ delivery: 'sent' }).where('sent_at', 'is not', null).execute();
  await db.updateTable('outbox').set({ delivery: 'failed' }).where('sent_at', 'is', null).where('error', 'is not', null).execute();
  await db.schema.createIndex('outbox_delivery').on('outbox').columns(['delivery', 'id']).execute();

  const sent = await db.selectFrom('outbox').select(['id', 'body_text']).where('delivery', '=', 'sent').execute();
  for (const row of sent as Array<{ id: number; body_text: string }>) {
    const scrubbed = row.body_text.replace(TOKEN, '…');
    if (scrubbed !== row.body_text) await db.updateTable('outbox').set({ body_text: scrubbed }).where('id', '=', row.id).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_delivery').execute();
  await db.schema.alterTable('outbox').dropColumn('claimed_at').execute();
  await db.schema.alterTable('outbox').dropColumn('delivery').execute();
}
