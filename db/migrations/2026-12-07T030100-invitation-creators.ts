import type { Kysely } from 'kysely';

/*
 * Who made each invitation: `user:<id>` (an organizer or a volunteer),
 * `cli` (the command line), or `reset-form` (a password reset asked for by
 * e-mail). Invitations made before this column existed keep null: unknown.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invitations').addColumn('created_by', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invitations').dropColumn('created_by').execute();
}
