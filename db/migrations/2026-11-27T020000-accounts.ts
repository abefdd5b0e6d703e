import type { Kysely } from 'kysely';

/*
 * Accounts: server-wide settings (the secret that signs CSRF tokens, shared by
 * every process), who made each history entry (the candidate, or an organizer
 * acting on the candidate's request), and the candidate an organizer's session
 * acts for.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('answer_history')
    .addColumn('actor', 'text', (c) => c.notNull().defaultTo('candidate'))
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('acting_candidate_id', 'integer', (c) => c.references('candidates.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('invitations_candidate').on('invitations').columns(['candidate_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('invitations_candidate').execute();
  await db.schema.alterTable('sessions').dropColumn('acting_candidate_id').execute();
  await db.schema.alterTable('answer_history').dropColumn('actor').execute();
  await db.schema.dropTable('settings').execute();
}
