import type { Db } from '../db/client.js';
import { appendAuditEntry } from '../db/repositories/audit-log.js';
import {
  candidateIdsByOfficialId,
  findRollCallsByKeys,
  replaceRollCallVotes,
  saveLink,
  saveRollCall,
} from '../db/repositories/roll-calls.js';
import type { Clock } from '../domain/clock.js';
import type { RollCallVote } from '../domain/coherence.js';
import { readLinksFile, readVotesFile, type RollCallFileError } from '../formats/roll-calls.js';

/*
 * Imports roll-call votes and their links to statements (SPEC §6.4) into an
 * election, for the command line and the organizers' upload alike. Both files
 * are read and checked whole first; nothing is written unless both are free of
 * faults, and then everything is written in one transaction. Each roll call in
 * votes.csv ends up with exactly the votes the file gives it; links are
 * created or updated (an empty explanation keeps the one a link has), so
 * importing the same files again leaves the same state. Official ids that
 * match no candidate of the election are skipped and reported.
 */

/** A file as uploaded or read from disk: its name for messages, and its bytes. */
export interface RollCallFile {
  name: string;
  content: Buffer | string;
}

export interface RollCallImportSummary {
  rollCalls: number;
  rollCallsCreated: number;
  /** Votes written: those whose official id matched a candidate. */
  votes: number;
  /** Rows whose official id matched no candidate of the election, by official id, with the first line. */
  unmatched: Array<{ officialId: string; rows: number; firstLine: number }>;
  unmatchedRows: number;
  links: number;
  linksCreated: number;
}

export type RollCallImportOutcome =
  | { ok: true; summary: RollCallImportSummary }
  | { ok: false; problem: 'no_election' }
  | { ok: false; problem: 'invalid'; errors: RollCallFileError[] };

export async function importRollCalls(
  deps: { db: Db; clock: Clock },
  input: { election: string; votes: RollCallFile; links: RollCallFile; actor: string },
): Promise<RollCallImportOutcome> {
  const { db } = deps;
  const election = await db.selectFrom('elections').select('id').where('slug', '=', input.election).executeTakeFirst();
  if (!election) return { ok: false, problem: 'no_election' };

  const votes = readVotesFile(input.votes.content, input.votes.name);
  const links = readLinksFile(input.links.content, input.links.name);
  const errors = [...votes.errors, ...links.errors];

  // Links must name statements of this election and roll calls of the votes file or already imported.
  const statements = new Map(
    (await db.selectFrom('statements').select(['id', 'key']).where('election_id', '=', election.id).execute()).map((s) => [s.key, s.id]),
  );
  const inFile = new Set(votes.rows.map((v) => v.voteId));
  const stored = new Set(
    (await findRollCallsByKeys(db, election.id, [...new Set(links.rows.map((l) => l.voteId))].filter((key) => !inFile.has(key)))).map((r) => r.key),
  );
  for (const link of links.rows) {
    if (!statements.has(link.statementId)) {
      errors.push({ file: input.links.name, line: link.line, column: 'statement_id', code: 'unknown_statement', params: { id: link.statementId } });
    }
    if (!inFile.has(link.voteId) && !stored.has(link.voteId)) {
      errors.push({ file: input.links.name, line: link.line, column: 'vote_id', code: 'unknown_roll_call', params: { id: link.voteId } });
    }
  }
  if (errors.length > 0) return { ok: false, problem: 'invalid', errors };

  const candidates = await candidateIdsByOfficialId(db, election.id);
  const unmatched = new Map<string, { officialId: string; rows: number; firstLine: number }>();
  const byRollCall = new Map<string, { rollCall: (typeof votes.rows)[number]; votes: Array<{ candidateId: number; vote: RollCallVote }> }>();
  for (const row of votes.rows) {
    const entry = byRollCall.get(row.voteId) ?? { rollCall: row, votes: [] };
    byRollCall.set(row.voteId, entry);
    const ids = candidates.get(row.officialId);
    if (!ids) {
      const miss = unmatched.get(row.officialId) ?? { officialId: row.officialId, rows: 0, firstLine: row.line };
      miss.rows += 1;
      unmatched.set(row.officialId, miss);
      continue;
    }
    for (const candidateId of ids) entry.votes.push({ candidateId, vote: row.vote });
  }

  const now = deps.clock.now().toISOString();
  const summary: RollCallImportSummary = {
    rollCalls: byRollCall.size,
    rollCallsCreated: 0,
    votes: 0,
    unmatched: [...unmatched.values()],
    unmatchedRows: [...unmatched.values()].reduce((sum, miss) => sum + miss.rows, 0),
    links: links.rows.length,
    linksCreated: 0,
  };
  await db.transaction().execute(async (trx) => {
    const rollCallIds = new Map<string, number>();
    for (const { rollCall, votes: rollCallVotes } of byRollCall.values()) {
      const { id, created } = await saveRollCall(trx, {
        electionId: election.id,
        rollCall: { key: rollCall.voteId, date: rollCall.date, chamber: rollCall.chamber, bill: rollCall.bill, title: rollCall.title },
        now,
      });
      if (created) summary.rollCallsCreated += 1;
      rollCallIds.set(rollCall.voteId, id);
      await replaceRollCallVotes(trx, { rollCallId: id, votes: rollCallVotes });
      summary.votes += rollCallVotes.length;
    }
    const storedIds = new Map((await findRollCallsByKeys(trx, election.id, [...stored])).map((r) => [r.key, r.id]));
    for (const link of links.rows) {
      const { created } = await saveLink(trx, {
        statementId: statements.get(link.statementId)!,
        rollCallId: rollCallIds.get(link.voteId) ?? storedIds.get(link.voteId)!,
        direction: link.direction,
        explanation: link.explanation,
        now,
      });
      if (created) summary.linksCreated += 1;
    }
    await appendAuditEntry(trx, {
      electionId: election.id,
      actor: input.actor,
      action: 'import-votes',
      details: { files: [input.votes.name, input.links.name], ...summary, unmatched: summary.unmatched.slice(0, 50).map((miss) => miss.officialId) },
      now,
    });
  });
  return { ok: true, summary };
}
