import { sql, type Kysely } from 'kysely';

/*
 * One running import job per election. Two roster imports into one election
 * at once interleaved their batches (each saw a candidate missing and both
 * inserted it; the second failed half-written). A partial unique index makes
 * the database refuse a second running job, whichever process starts it.
 * Jobs that are already running twice (left by that bug, or by a process
 * that stopped) keep only the newest as running; the others are marked
 * interrupted, as their page already showed them after five quiet minutes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update import_jobs set status = 'failed', summary = '{"message":"interrupted"}'
    where status = 'running' and exists (
      select 1 from import_jobs newer
      where newer.election_id = import_jobs.election_id and newer.status = 'running'
        and (newer.created_at > import_jobs.created_at or (newer.created_at = import_jobs.created_at and newer.id > import_jobs.id))
    )`.execute(db);
  await db.schema
    .createIndex('import_jobs_one_running')
    .on('import_jobs')
    .column('election_id')
    .unique()
    .where(sql.ref('status'), '=', sql.lit('running'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('import_jobs_one_running').execute();
}
