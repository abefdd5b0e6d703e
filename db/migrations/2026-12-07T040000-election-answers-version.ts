import type { Kysely } from 'kysely';

/*
 * A counter per election, raised with any of its races' answers versions (a
 * publication, a profile change, a moderation): what covers the whole
 * election and changes with what candidates publish (response rates,
 * distributions, the open-data files) is derived once per pair of this
 * counter and the data version, instead of per request.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('elections')
    .addColumn('answers_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('elections').dropColumn('answers_version').execute();
}
