import type { Db } from '../client.js';

/** Records something an organizer (or the command line) did; call in the transaction that does it. */
export async function appendAuditEntry(
  db: Db,
  entry: { electionId: number | null; actor: string; action: string; details: unknown; now: string },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ election_id: entry.electionId, actor: entry.actor, action: entry.action, details: JSON.stringify(entry.details), created_at: entry.now })
    .execute();
}
