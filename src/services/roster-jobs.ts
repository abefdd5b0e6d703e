import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { findElectionSlug } from '../db/repositories/elections.js';
import { findJob, finishJob, findRunningJob, INTERRUPTED_SUMMARY, startJob, touchJob, type ImportJob } from '../db/repositories/import-jobs.js';
import type { Clock } from '../domain/clock.js';
import { RosterFileError } from '../formats/tse-roster.js';
import { importRoster, type RosterOutcome } from './tse-import.js';

/*
 * Roster imports as jobs: one at a time per election, whether started from
 * the import page or the command line, in any process. Two at once
 * interleaved their batches (each saw a candidate missing and inserted it;
 * the second failed with part of its file written). A job shows its
 * progress and outcome in `import_jobs`; one whose process stopped shows no
 * sign of life for five minutes and counts as interrupted.
 */

/** A running job that has given no sign of life for this long has stopped (a restart, a crash). */
export const JOB_STALE_MS = 5 * 60_000;
/** How often a job says it is alive while it reads its file before writing. */
const HEARTBEAT_MS = 30_000;

interface JobDeps {
  db: Db;
  clock: Clock;
}

export type StartOutcome = { ok: true; jobId: string } | { ok: false; running: ImportJob };

/** Starts a roster import job for an election, unless one is running there (from the web or the command line). */
export async function startRosterJob(deps: JobDeps, input: { electionId: number; actor: string }): Promise<StartOutcome> {
  const now = deps.clock.now();
  const id = randomUUID();
  const running = await startJob(deps.db, {
    id,
    electionId: input.electionId,
    kind: 'tse',
    actor: input.actor,
    now: now.toISOString(),
    staleBefore: new Date(now.getTime() - JOB_STALE_MS).toISOString(),
  });
  return running ? { ok: false, running } : { ok: true, jobId: id };
}

/** The import job running for an election now, leaving out one that has stopped answering. */
export async function liveRosterJob(deps: JobDeps, electionId: number): Promise<ImportJob | null> {
  const job = await findRunningJob(deps.db, electionId);
  return job && !isStale(job, deps.clock) ? job : null;
}

/** How a job's page shows it, with its election's slug: a running job that has stopped answering, or one marked so, was interrupted. */
export async function rosterJob(
  deps: JobDeps,
  id: string,
): Promise<(ImportJob & { state: 'running' | 'done' | 'failed' | 'interrupted'; electionSlug: string }) | null> {
  const job = await findJob(deps.db, id);
  if (!job) return null;
  const interrupted = (job.status === 'running' && isStale(job, deps.clock)) || (job.status === 'failed' && job.summary === INTERRUPTED_SUMMARY);
  return { ...job, state: interrupted ? 'interrupted' : job.status, electionSlug: await findElectionSlug(deps.db, job.electionId) };
}

/** Raised in an import whose job was declared dead meanwhile (no sign of life for five minutes): it stops between two batches. */
export class RosterJobLostError extends Error {
  override readonly name = 'RosterJobLostError';
}

/**
 * Runs a started job's import, keeping its progress and outcome in
 * `import_jobs`; returns the outcome, or throws what the import threw
 * (a RosterFileError for a malformed file) once the job is marked failed.
 */
export async function runRosterJob(
  deps: JobDeps,
  input: { jobId: string; election: string; file: string; actor: string; onProgress?: (processed: number, total: number) => void },
): Promise<RosterOutcome> {
  const now = () => deps.clock.now().toISOString();
  let signalled = deps.clock.now().getTime();
  const alive = async (db: Db, processed?: number) => {
    if (!(await touchJob(db, { id: input.jobId, ...(processed === undefined ? {} : { processed }), now: now() }))) throw new RosterJobLostError(input.jobId);
    signalled = deps.clock.now().getTime();
  };
  const finish = (status: 'done' | 'failed', summary: unknown) => finishJob(deps.db, { id: input.jobId, status, summary, now: now() });
  try {
    const outcome = await importRoster(deps, {
      election: input.election,
      file: input.file,
      actor: input.actor,
      onReading: async () => {
        if (deps.clock.now().getTime() - signalled >= HEARTBEAT_MS) await alive(deps.db);
      },
      // In the batch's transaction: a job declared dead meanwhile writes nothing more.
      inBatch: (trx, processed) => alive(trx, processed),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
    if (outcome.ok) await finish('done', { ...outcome.summary });
    else await finish('failed', { message: outcome.problem });
    return outcome;
  } catch (error) {
    if (error instanceof RosterFileError) await finish('failed', { message: `${error.code} (${error.line})`, code: error.code, line: error.line, params: error.params });
    else if (!(error instanceof RosterJobLostError)) await finish('failed', { message: 'internal' });
    throw error;
  }
}

/** Runs a started job after the upload's answer, and removes the uploaded file; failures are in the job, and in the log when unexpected. */
export async function runRosterJobInBackground(deps: JobDeps & { logger: Logger }, input: { jobId: string; election: string; file: string; actor: string }): Promise<void> {
  try {
    await runRosterJob(deps, input);
  } catch (error) {
    if (error instanceof RosterJobLostError) deps.logger.warn({ job: input.jobId }, 'roster import stopped: its job was declared interrupted');
    else if (!(error instanceof RosterFileError)) deps.logger.error({ err: error }, 'roster import failed');
  } finally {
    await rm(input.file, { force: true });
  }
}

function isStale(job: ImportJob, clock: Clock): boolean {
  return clock.now().getTime() - Date.parse(job.updatedAt) > JOB_STALE_MS;
}
