import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * After the election (SPEC §5.8, §6.4): roll-call votes of a chamber, how each
 * elected candidate voted in them, and the organizers' links from a statement
 * to a roll call that tests it, with a direction and a public explanation.
 * Portable between SQLite and PostgreSQL, like the initial migration.
 */

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const table = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', 'integer', (c) =>
        pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
      );

  // One recorded vote of a chamber on a bill; `key` is the vote_id of the roll-call files.
  await table('roll_calls')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('chamber', 'text', (c) => c.notNull())
    .addColumn('bill', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('roll_calls_election_key', ['election_id', 'key'])
    .execute();

  // How one candidate (matched by official id at import) voted in one roll call.
  await table('roll_call_votes')
    .addColumn('roll_call_id', 'integer', (c) => c.notNull().references('roll_calls.id').onDelete('cascade'))
    .addColumn('candidate_id', 'integer', (c) => c.notNull().references('candidates.id').onDelete('cascade'))
    .addColumn('vote', 'text', (c) => c.notNull().check(sql`vote in ('yes', 'no', 'abstain', 'absent')`))
    .addUniqueConstraint('roll_call_votes_roll_call_candidate', ['roll_call_id', 'candidate_id'])
    .execute();
  await db.schema.createIndex('roll_call_votes_candidate').on('roll_call_votes').columns(['candidate_id']).execute();

  // A roll call that tests a statement: direction 1 when a yes vote agrees with it, −1 when it disagrees.
  await table('roll_call_links')
    .addColumn('statement_id', 'integer', (c) => c.notNull().references('statements.id').onDelete('cascade'))
    .addColumn('roll_call_id', 'integer', (c) => c.notNull().references('roll_calls.id').onDelete('cascade'))
    .addColumn('direction', 'integer', (c) => c.notNull().check(sql`direction in (1, -1)`))
    .addColumn('explanation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('roll_call_links_statement_roll_call', ['statement_id', 'roll_call_id'])
    .execute();
  await db.schema.createIndex('roll_call_links_roll_call').on('roll_call_links').columns(['roll_call_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['roll_call_links', 'roll_call_votes', 'roll_calls']) {
    await db.schema.dropTable(name).execute();
  }
}
