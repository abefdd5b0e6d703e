import { type Kysely, PostgresAdapter, sql } from 'kysely';

/*
 * The data model of SPEC §4. Frozen: later changes go in new, later-dated files.
 * Portable between SQLite and PostgreSQL: integer ids (autoincrement / identity),
 * text for times (ISO 8601, UTC), integers 0/1 for flags, JSON kept as text.
 */

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  // One id column shape for every table.
  const table = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', 'integer', (c) =>
        pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
      );

  await table('elections')
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull()) // localized text as JSON
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('scale', 'integer', (c) => c.notNull().check(sql`scale between 2 and 7`))
    .addColumn('min_answers', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('questionnaire_open', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await table('topics')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('topics_election_slug', ['election_id', 'slug'])
    .execute();

  await table('statements')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('topic_id', 'integer', (c) => c.notNull().references('topics.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('context', 'text')
    .addColumn('scale', 'integer', (c) => c.check(sql`scale is null or scale between 2 and 7`))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('statements_election_key', ['election_id', 'key'])
    .execute();

  await table('races')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('office', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('races_election_slug', ['election_id', 'slug'])
    .execute();

  await table('parties')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('abbreviation', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('number', 'integer')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addUniqueConstraint('parties_election_slug', ['election_id', 'slug'])
    .execute();

  await table('candidates')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('official_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ballot_name', 'text')
    .addColumn('ballot_number', 'text')
    .addColumn('party_id', 'integer', (c) => c.references('parties.id').onDelete('set null'))
    .addColumn('race_id', 'integer', (c) => c.notNull().references('races.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('listed').check(sql`status in ('listed', 'invited', 'registered', 'published')`),
    )
    .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('elected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('gender', 'text')
    .addColumn('race_color', 'text')
    .addColumn('lgbt', 'integer')
    .addColumn('collective', 'integer')
    .addColumn('bio', 'text')
    .addColumn('links', 'text') // JSON array of http(s) URLs
    .addColumn('photo_url', 'text')
    .addColumn('email', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('candidates_election_key', ['election_id', 'key'])
    .execute();
  await db.schema.createIndex('candidates_race').on('candidates').columns(['race_id']).execute();
  await db.schema.createIndex('candidates_official_id').on('candidates').columns(['election_id', 'official_id']).execute();

  // Published answers: what voters are matched against.
  await table('answers')
    .addColumn('candidate_id', 'integer', (c) => c.notNull().references('candidates.id').onDelete('cascade'))
    .addColumn('statement_id', 'integer', (c) => c.notNull().references('statements.id').onDelete('cascade'))
    .addColumn('value', 'integer', (c) => c.check(sql`value is null or value between 1 and 7`))
    .addColumn('justification', 'text')
    .addColumn('hidden_reason', 'text') // set by moderation: the justification is hidden, this shows instead
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('answers_candidate_statement', ['candidate_id', 'statement_id'])
    .execute();
  await db.schema.createIndex('answers_statement').on('answers').columns(['statement_id']).execute();

  // A candidate's working copy before publication; never shown to voters.
  await table('answer_drafts')
    .addColumn('candidate_id', 'integer', (c) => c.notNull().references('candidates.id').onDelete('cascade'))
    .addColumn('statement_id', 'integer', (c) => c.notNull().references('statements.id').onDelete('cascade'))
    .addColumn('value', 'integer', (c) => c.check(sql`value is null or value between 1 and 7`))
    .addColumn('justification', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('answer_drafts_candidate_statement', ['candidate_id', 'statement_id'])
    .execute();

  // Append-only: one row per change of a published answer, hash-chained per election.
  // No cascading deletes: a candidate or statement with public history cannot vanish.
  await table('answer_history')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('candidate_id', 'integer', (c) => c.notNull().references('candidates.id'))
    .addColumn('statement_id', 'integer', (c) => c.notNull().references('statements.id'))
    .addColumn('old_value', 'integer')
    .addColumn('new_value', 'integer')
    .addColumn('old_justification', 'text')
    .addColumn('new_justification', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('answer_history_election_seq', ['election_id', 'seq'])
    .execute();
  await db.schema.createIndex('answer_history_candidate').on('answer_history').columns(['candidate_id']).execute();

  if (pg) {
    await sql`create function concordo_refuse_change() returns trigger language plpgsql as $$
      begin raise exception 'answer_history is append-only'; end $$`.execute(db);
    await sql`create trigger answer_history_append_only before update or delete on answer_history
      for each row execute function concordo_refuse_change()`.execute(db);
  } else {
    await sql`create trigger answer_history_no_update before update on answer_history
      begin select raise(abort, 'answer_history is append-only'); end`.execute(db);
    await sql`create trigger answer_history_no_delete before delete on answer_history
      begin select raise(abort, 'answer_history is append-only'); end`.execute(db);
  }

  await table('users')
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'candidate', 'volunteer')`))
    .addColumn('candidate_id', 'integer', (c) => c.references('candidates.id').onDelete('cascade'))
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('pt-BR'))
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id']).execute();

  await table('invitations')
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('candidate', 'admin', 'volunteer', 'reset')`))
    .addColumn('candidate_id', 'integer', (c) => c.references('candidates.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();

  await table('outbox')
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('error', 'text')
    .execute();

  await table('moderation_log')
    .addColumn('election_id', 'integer', (c) => c.notNull().references('elections.id').onDelete('cascade'))
    .addColumn('candidate_id', 'integer', (c) => c.notNull().references('candidates.id').onDelete('cascade'))
    .addColumn('statement_id', 'integer', (c) => c.notNull().references('statements.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('hide', 'restore')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Everything an organizer does that voters or candidates can see.
  await table('audit_log')
    .addColumn('election_id', 'integer', (c) => c.references('elections.id').onDelete('cascade'))
    .addColumn('actor', 'text', (c) => c.notNull()) // user e-mail, or 'cli'
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('details', 'text') // JSON
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'audit_log',
    'moderation_log',
    'outbox',
    'invitations',
    'sessions',
    'users',
    'answer_history',
    'answer_drafts',
    'answers',
    'candidates',
    'parties',
    'races',
    'statements',
    'topics',
    'elections',
  ]) {
    await db.schema.dropTable(name).execute();
  }
  if (isPostgres(db)) await sql`drop function concordo_refuse_change`.execute(db);
}
