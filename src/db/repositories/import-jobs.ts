import type { Db } from '../client.js';
import type { ImportJobTable } from '../schema.js';

/*
 * Import jobs: roster imports that go on after the upload's answer, with
 * their progress and outcome. At most one per election runs at a time: the
 * partial unique index `import_jobs_one_running` refuses a second, in
 * whichever process it starts. Times are ISO 8601 in UTC.
 */

export interface ImportJob {
  id: string;
  electionId: number;
  kind: ImportJobTable['kind'];
  actor: string;
  status: ImportJobTable['status'];
  processed: number;
  summary: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a job that stopped without finishing (a restart, a crash) is marked with. */
export const INTERRUPTED_SUMMARY = JSON.stringify({ message: 'interrupted' });

/**
 * Starts a job unless another is running for the election: the database's
 * unique index decides, so two processes starting at the same moment cannot
 * both succeed. A running job whose last sign of life is before `staleBefore`
 * is dead (its process stopped): it is marked interrupted first. Returns the
 * running job that stood in the way, or null when this one started.
 */
export async function startJob(
  db: Db,
  job: { id: string; electionId: number; kind: ImportJobTable['kind']; actor: string; now: string; staleBefore: string },
): Promise<ImportJob | null> {
  await db
    .updateTable('import_jobs')
    .set({ status: 'failed', summary: INTERRUPTED_SUMMARY })
    .where('election_id', '=', job.electionId)
    .where('status', '=', 'running')
    .where('updated_at', '<', job.staleBefore)
    .execute();
  // The job in the way may finish between the refused insert and the look-up: then try again.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const inserted = await db
      .insertInto('import_jobs')
      .values({ id: job.id, election_id: job.electionId, kind: job.kind, actor: job.actor, status: 'running', processed: 0, summary: null, created_at: job.now, updated_at: job.now })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return null;
    const running = await findRunningJob(db, job.electionId);
    if (running) return running;
  }
  throw new Error(`import job ${job.id} neither started nor found another running`);
}

/** The job running for an election, if any (it may be one that has stopped answering: compare its `updatedAt`). */
export async function findRunningJob(db: Db, electionId: number): Promise<ImportJob | null> {
  const row = await db.selectFrom('import_jobs').selectAll().where('election_id', '=', electionId).where('status', '=', 'running').executeTakeFirst();
  return row ? toJob(row) : null;
}

export async function findJob(db: Db, id: string): Promise<ImportJob | null> {
  const row = await db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toJob(row) : null;
}

/** Records a running job's progress (and that it is alive); false when the job is no longer running (declared dead meanwhile). */
export async function touchJob(db: Db, input: { id: string; processed?: number; now: string }): Promise<boolean> {
  const updated = await db
    .updateTable('import_jobs')
    .set({ ...(input.processed === undefined ? {} : { processed: input.processed }), updated_at: input.now })
    .where('id', '=', input.id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Ends a running job with its outcome; a job declared dead meanwhile keeps that mark. */
export async function finishJob(db: Db, input: { id: string; status: 'done' | 'failed'; summary: unknown; now: string }): Promise<void> {
  await db
    .updateTable('import_jobs')
    .set({ status: input.status, summary: JSON.stringify(input.summary), updated_at: input.now })
    .where('id', '=', input.id)
    .where('status', '=', 'running')
    .execute();
}

function toJob(row: { id: string; election_id: number; kind: ImportJobTable['kind']; actor: string; status: ImportJobTable['status']; processed: number; summary: string | null; created_at: string; updated_at: string }): ImportJob {
  return {
    id: row.id,
    electionId: row.election_id,
    kind: row.kind,
    actor: row.actor,
    status: row.status,
    processed: Number(row.processed),
    summary: row.summary,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
