import type { Kysely } from 'kysely';

/*
 * The organizer area: where a race and a candidate came from in the electoral
 * court's roster (so re-imports update instead of duplicating), whether the
 * gender and race/colour were self-declared or taken from the court, the
 * campaign-period switch, and import jobs whose progress any process can show.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('races').addColumn('source_key', 'text').execute();
  await db.schema.createIndex('races_source_key').on('races').columns(['election_id', 'source_key']).execute();
  await db.schema.alterTable('candidates').addColumn('gender_source', 'text').execute();
  await db.schema.alterTable('candidates').addColumn('race_color_source', 'text').execute();
  await db.schema.alterTable('elections').addColumn('campaign_period', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema
    .createTable('import_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('processed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('summary', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('import_jobs').execute();
  await db.schema.alterTable('elections').dropColumn('campaign_period').execute();
  await db.schema.alterTable('candidates').dropColumn('race_color_source').execute();
  await db.schema.alterTable('candidates').dropColumn('gender_source').execute();
  await db.schema.dropIndex('races_source_key').execute();
  await db.schema.alterTable('races').dropColumn('source_key').execute();
}
