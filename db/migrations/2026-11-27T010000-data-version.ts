import type { Kysely } from 'kysely';

/*
 * A counter per election, raised in every transaction that changes what voters
 * are matched against (statements, candidates, published answers). Each app
 * process keeps the election and its races' answers in memory and reloads
 * them when the counter has moved, so several processes over one database
 * stay current without talking to each other.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('elections')
    .addColumn('data_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('elections').dropColumn('data_version').execute();
}
