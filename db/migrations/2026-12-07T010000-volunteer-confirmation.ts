import type { Kysely } from 'kysely';

/*
 * Volunteers sign themselves up, with any e-mail address: an account now
 * works only once its owner has confirmed the address, by a single-use link
 * e-mailed to it (`invitations.purpose = 'volunteer'`) or by a password
 * reset. Accounts made from an invitation or by an organizer are confirmed
 * when they are made; every account that exists already counts as confirmed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('confirmed_at', 'text').execute();
  await db.updateTable('users').set((eb) => ({ confirmed_at: eb.ref('created_at') })).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('confirmed_at').execute();
}
