import type { Db } from '../db/client.js';
import { findCandidate, listElectionCandidates, setCandidateVerified } from '../db/repositories/candidates.js';
import type { Candidate, CandidateStatus, ElectionDetail } from '../domain/election.js';
import { change, type Actor, type AdminDeps } from './admin.js';

/* The candidates of an election as organizers see and check them; their invitations are services/invitations.ts's. */

/** A page of the election's candidates, by name: in a race (by slug; an unknown one is ignored), of a status, or matching a search. */
export async function candidateList(
  db: Db,
  input: { election: ElectionDetail; race?: string | undefined; status?: CandidateStatus | undefined; q?: string | undefined; page: number; pageSize: number },
): Promise<{ total: number; candidates: Array<Candidate & { hasEmail: boolean }> }> {
  const race = input.race ? input.election.races.find((r) => r.slug === input.race) : undefined;
  return listElectionCandidates(db, {
    electionId: input.election.id,
    raceId: race?.id,
    status: input.status,
    q: input.q,
    offset: (input.page - 1) * input.pageSize,
    limit: input.pageSize,
  });
}

/** Marks a candidate (by public id) verified by the organizers, or not; recorded in the audit log. */
export async function verifyCandidate(
  deps: AdminDeps,
  input: { electionId: number; candidate: string; verified: boolean; actor: Actor },
): Promise<{ ok: true } | { ok: false; problem: 'no_candidate' }> {
  const candidate = await findCandidate(deps.db, input.electionId, input.candidate);
  if (!candidate) return { ok: false, problem: 'no_candidate' };
  const action = input.verified ? 'verify-candidate' : 'unverify-candidate';
  await change(deps, { electionId: input.electionId, actor: input.actor, action, details: { candidate: input.candidate } }, (trx, now) =>
    setCandidateVerified(trx, { id: candidate.id, verified: input.verified, now }),
  );
  return { ok: true };
}
