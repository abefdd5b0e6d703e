import type { Kysely } from 'kysely';

/*
 * A counter per race, raised when what its candidates publish changes
 * (answers, self-declared profile). A publication then reloads one race in
 * each app process instead of the whole election: in a national election,
 * candidates publish all day while the questionnaire and the races stay put.
 * The election's own counter now moves only with what all its races share.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('races')
    .addColumn('answers_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('races').dropColumn('answers_version').execute();
}
