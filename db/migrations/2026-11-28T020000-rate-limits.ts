import type { Kysely } from 'kysely';

/*
 * Counters of the rate limits that guard accounts (failed sign-ins per
 * account and per address, links that do not work, imports), shared by every
 * app process: with several processes, each kept its own, and an attacker got
 * as many tries as there were processes. A key is a keyed hash of what it
 * counts (an address, an e-mail), never the address or e-mail itself.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    // ISO 8601 in UTC, like every time in the schema: compared as text.
    .addColumn('reset_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_reset_at').on('rate_limits').column('reset_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
