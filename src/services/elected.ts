import type { Db } from '../db/client.js';
import { appendAuditEntry } from '../db/repositories/audit-log.js';
import { bumpDataVersion } from '../db/repositories/elections.js';
import type { Clock } from '../domain/clock.js';

export type SetElectedOutcome = { ok: true; changed: boolean } | { ok: false; problem: 'no_election' | 'no_candidate' };

/**
 * Marks a candidate elected or not, as an organizer records the result (the
 * court's roster and election packages set the flag on import too). A change
 * is written with an audit-log entry naming the organizer; setting the flag
 * it already has changes nothing.
 */
export async function setElected(
  deps: { db: Db; clock: Clock },
  input: { election: string; candidate: string; elected: boolean; actor: string },
): Promise<SetElectedOutcome> {
  return deps.db.transaction().execute(async (trx) => {
    const election = await trx.selectFrom('elections').select('id').where('slug', '=', input.election).executeTakeFirst();
    if (!election) return { ok: false, problem: 'no_election' } as const;
    const candidate = await trx
      .selectFrom('candidates')
      .select(['id', 'elected'])
      .where('election_id', '=', election.id)
      .where('key', '=', input.candidate)
      .executeTakeFirst();
    if (!candidate) return { ok: false, problem: 'no_candidate' } as const;
    if ((candidate.elected !== 0) === input.elected) return { ok: true, changed: false } as const;
    const now = deps.clock.now().toISOString();
    await trx.updateTable('candidates').set({ elected: input.elected ? 1 : 0, updated_at: now }).where('id', '=', candidate.id).execute();
    // Candidates are part of the cached election: other processes reload them.
    await bumpDataVersion(trx, election.id);
    await appendAuditEntry(trx, {
      electionId: election.id,
      actor: input.actor,
      action: 'set-elected',
      details: { candidate: input.candidate, elected: input.elected },
      now,
    });
    return { ok: true, changed: true } as const;
  });
}
