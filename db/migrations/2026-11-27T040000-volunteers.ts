import { type Kysely, PostgresAdapter } from 'kysely';

/*
 * Volunteers who contact candidates: their name and approval, the candidates
 * each holds for a while (one holder per candidate, enforced by the primary
 * key), the log of contact attempts, and how an election orders the queue.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable('users').addColumn('name', 'text').execute();
  await db.schema.alterTable('users').addColumn('approved_at', 'text').execute();
  await db.schema.alterTable('elections').addColumn('volunteer_priority', 'text', (c) => c.notNull().defaultTo('random')).execute();
  await db.schema
    .createTable('candidate_locks')
    .addColumn('candidate_id', 'integer', (c) => c.primaryKey().references('candidates.id').onDelete('cascade'))
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('volunteer_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('candidate_locks_volunteer').on('candidate_locks').columns(['volunteer_id']).execute();
  await db.schema
    .createTable('contact_attempts')
    .addColumn('id', 'integer', (c) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('candidate_id', 'integer', (c) => c.notNull().references('candidates.id').onDelete('cascade'))
    .addColumn('volunteer_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_attempts_candidate').on('contact_attempts').columns(['candidate_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('contact_attempts').execute();
  await db.schema.dropTable('candidate_locks').execute();
  await db.schema.alterTable('elections').dropColumn('volunteer_priority').execute();
  await db.schema.alterTable('users').dropColumn('approved_at').execute();
  await db.schema.alterTable('users').dropColumn('name').execute();
}
