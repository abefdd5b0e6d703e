import type { Db } from '../db/client.js';
import { findElectionDetail, findElectionId, listElections } from '../db/repositories/elections.js';
import type { Election, ElectionDetail } from '../domain/election.js';

/*
 * Elections as stored now, not through the read model: the lists of every
 * election, and the pages of organizers and volunteers, who must see a
 * change the moment it is made.
 */

/** Every election, newest election day first. */
export async function allElections(db: Db): Promise<Election[]> {
  return listElections(db);
}

/** An election with its topics, statements, races and parties, or null. */
export async function currentElection(db: Db, slug: string): Promise<ElectionDetail | null> {
  return findElectionDetail(db, slug);
}

/** An election's id by slug, or null. */
export async function electionId(db: Db, slug: string): Promise<number | null> {
  return findElectionId(db, slug);
}
