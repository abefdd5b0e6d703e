import type { Db } from '../db/client.js';
import { appendAuditEntry } from '../db/repositories/audit-log.js';
import { findElectionDetail } from '../db/repositories/elections.js';
import { deleteLink, findLink, findRollCallsByKeys, listLinks, listRollCalls, saveLink } from '../db/repositories/roll-calls.js';
import type { Clock } from '../domain/clock.js';
import type { LinkDirection, RollCall, RollCallLink, RollCallVote } from '../domain/coherence.js';
import type { ElectionDetail, Statement } from '../domain/election.js';

/*
 * The organizers' work on roll calls: what the votes page lists, and adding,
 * changing and removing the link of a statement to a roll call, each change
 * with an audit-log entry naming the organizer.
 */

export interface RollCallsOverview {
  election: ElectionDetail;
  rollCalls: Array<RollCall & { votes: Record<RollCallVote, number> }>;
  links: Array<RollCallLink & { statement: Statement; rollCall: RollCall }>;
}

export async function rollCallsOverview(db: Db, slug: string): Promise<RollCallsOverview | null> {
  const election = await findElectionDetail(db, slug);
  if (!election) return null;
  const [rollCalls, links] = await Promise.all([listRollCalls(db, election.id), listLinks(db, election.id)]);
  const statements = new Map(election.statements.map((s) => [s.id, s]));
  const byId = new Map(rollCalls.map((r) => [r.id, r]));
  return {
    election,
    rollCalls,
    links: links.flatMap((link) => {
      const statement = statements.get(link.statementId);
      const rollCall = byId.get(link.rollCallId);
      return statement && rollCall ? [{ ...link, statement, rollCall }] : [];
    }),
  };
}

/** A link named by public ids: the statement's and the roll call's. */
export interface LinkKeys {
  election: string;
  statement: string;
  rollCall: string;
}

type Resolved = { electionId: number; statementId: number; rollCallId: number };
export type LinkProblem = 'no_election' | 'no_statement' | 'no_roll_call';

async function resolve(db: Db, keys: LinkKeys): Promise<Resolved | { problem: LinkProblem }> {
  const election = await db.selectFrom('elections').select('id').where('slug', '=', keys.election).executeTakeFirst();
  if (!election) return { problem: 'no_election' };
  const statement = await db
    .selectFrom('statements')
    .select('id')
    .where('election_id', '=', election.id)
    .where('key', '=', keys.statement)
    .executeTakeFirst();
  if (!statement) return { problem: 'no_statement' };
  const [rollCall] = await findRollCallsByKeys(db, election.id, [keys.rollCall]);
  if (!rollCall) return { problem: 'no_roll_call' };
  return { electionId: election.id, statementId: statement.id, rollCallId: rollCall.id };
}

/** The link of a statement and a roll call, or null when either or the link does not exist. */
export async function findRollCallLink(db: Db, keys: LinkKeys): Promise<RollCallLink | null> {
  const ids = await resolve(db, keys);
  return 'problem' in ids ? null : findLink(db, ids);
}

/** Creates or changes a link. */
export async function saveRollCallLink(
  deps: { db: Db; clock: Clock },
  input: LinkKeys & { direction: LinkDirection; explanation: string; actor: string },
): Promise<{ ok: true; created: boolean } | { ok: false; problem: LinkProblem }> {
  return deps.db.transaction().execute(async (trx) => {
    const ids = await resolve(trx, input);
    if ('problem' in ids) return { ok: false, problem: ids.problem } as const;
    const now = deps.clock.now().toISOString();
    const { created } = await saveLink(trx, { ...ids, direction: input.direction, explanation: input.explanation, now });
    await appendAuditEntry(trx, {
      electionId: ids.electionId,
      actor: input.actor,
      action: created ? 'link-create' : 'link-update',
      details: { statement: input.statement, vote: input.rollCall, direction: input.direction, explanation: input.explanation },
      now,
    });
    return { ok: true, created } as const;
  });
}

/** Removes a link; false when there was none. */
export async function removeRollCallLink(deps: { db: Db; clock: Clock }, input: LinkKeys & { actor: string }): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const ids = await resolve(trx, input);
    if ('problem' in ids || !(await deleteLink(trx, ids))) return false;
    await appendAuditEntry(trx, {
      electionId: ids.electionId,
      actor: input.actor,
      action: 'link-delete',
      details: { statement: input.statement, vote: input.rollCall },
      now: deps.clock.now().toISOString(),
    });
    return true;
  });
}
