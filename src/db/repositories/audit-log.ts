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

/** An audit entry as the election's settings page lists it. */
export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  /** The candidate it is about, when its details name one. */
  candidate: string | null;
}

/** An election's latest audit entries, newest first. */
export async function listAuditEntries(db: Db, input: { electionId: number; limit: number }): Promise<AuditEntry[]> {
  const rows = await db.selectFrom('audit_log').selectAll().where('election_id', '=', input.electionId).orderBy('id', 'desc').limit(input.limit).execute();
  return rows.map((a) => ({ at: a.created_at, actor: a.actor, action: a.action, candidate: auditSubject(a.details) }));
}

/** The candidate an audit entry is about, when its details name one. */
function auditSubject(details: string | null): string | null {
  if (details === null) return null;
  try {
    const parsed = JSON.parse(details) as unknown;
    const candidate = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>).candidate : undefined;
    return typeof candidate === 'string' ? candidate : null;
  } catch {
    return null;
  }
}
