import type { Db } from '../client.js';
import type { InvitationTable, UserTable } from '../schema.js';

/* Users, sessions and invitations. Tokens and session ids arrive here already hashed. */

export interface UserRecord {
  id: number;
  email: string;
  passwordHash: string | null;
  role: UserTable['role'];
  candidateId: number | null;
  locale: string;
  disabled: boolean;
  /** Whether the owner of the e-mail address confirmed the account (see `users.confirmed_at`). */
  confirmed: boolean;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | null> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function findUserById(db: Db, id: number): Promise<UserRecord | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function findUserByCandidate(db: Db, candidateId: number): Promise<UserRecord | null> {
  const row = await db.selectFrom('users').selectAll().where('candidate_id', '=', candidateId).executeTakeFirst();
  return row ? toUser(row) : null;
}

/** A new account; `confirmed` false for one its owner must confirm by an e-mailed link before signing in. */
export async function insertUser(
  db: Db,
  user: { email: string; passwordHash: string | null; role: UserTable['role']; candidateId: number | null; locale: string; now: string; confirmed: boolean },
): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({
      email: user.email.toLowerCase(),
      password_hash: user.passwordHash,
      role: user.role,
      candidate_id: user.candidateId,
      locale: user.locale,
      created_at: user.now,
      confirmed_at: user.confirmed ? user.now : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setUserPassword(db: Db, userId: number, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Records that the owner of the account's e-mail address confirmed it (once: a later call changes nothing). */
export async function confirmUser(db: Db, userId: number, now: string): Promise<void> {
  await db.updateTable('users').set({ confirmed_at: now }).where('id', '=', userId).where('confirmed_at', 'is', null).execute();
}

/** Sets a volunteer's name, shown to organizers. */
export async function setUserName(db: Db, userId: number, name: string): Promise<void> {
  await db.updateTable('users').set({ name }).where('id', '=', userId).execute();
}

/** A volunteer's account, as organizers see it. */
export interface VolunteerAccount {
  id: number;
  email: string;
  name: string | null;
  createdAt: string;
  /** Whether an organizer approved them: only then may they take candidates to contact. */
  approved: boolean;
}

/** Every volunteer account, the newest first. */
export async function listVolunteers(db: Db): Promise<VolunteerAccount[]> {
  const rows = await db.selectFrom('users').select(['id', 'email', 'name', 'approved_at', 'created_at']).where('role', '=', 'volunteer').orderBy('created_at', 'desc').execute();
  return rows.map(toVolunteer);
}

/** A volunteer account by id, or null (also for an account of another kind). */
export async function findVolunteer(db: Db, id: number): Promise<VolunteerAccount | null> {
  const row = await db.selectFrom('users').select(['id', 'email', 'name', 'approved_at', 'created_at']).where('id', '=', id).where('role', '=', 'volunteer').executeTakeFirst();
  return row ? toVolunteer(row) : null;
}

/** Records an organizer's approval of a volunteer. */
export async function approveUser(db: Db, userId: number, now: string): Promise<void> {
  await db.updateTable('users').set({ approved_at: now }).where('id', '=', userId).execute();
}

function toVolunteer(row: { id: number; email: string; name: string | null; approved_at: string | null; created_at: string }): VolunteerAccount {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at, approved: row.approved_at !== null };
}

function toUser(row: {
  id: number;
  email: string;
  password_hash: string | null;
  role: UserTable['role'];
  candidate_id: number | null;
  locale: string;
  disabled: number;
  confirmed_at: string | null;
}): UserRecord {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    role: row.role,
    candidateId: row.candidate_id,
    locale: row.locale,
    disabled: row.disabled !== 0,
    confirmed: row.confirmed_at !== null,
  };
}

/* Sessions */

export interface SessionRecord {
  idHash: string;
  userId: number;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  actingCandidateId: number | null;
}

export async function insertSession(db: Db, session: Omit<SessionRecord, 'actingCandidateId'>): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id_hash: session.idHash,
      user_id: session.userId,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      expires_at: session.expiresAt,
    })
    .execute();
}

export async function findSession(db: Db, idHash: string): Promise<SessionRecord | null> {
  const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  return row
    ? {
        idHash: row.id_hash,
        userId: row.user_id,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
        actingCandidateId: row.acting_candidate_id,
      }
    : null;
}

export async function touchSession(db: Db, idHash: string, lastSeenAt: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: lastSeenAt }).where('id_hash', '=', idHash).execute();
}

export async function setSessionActingCandidate(db: Db, idHash: string, candidateId: number | null): Promise<void> {
  await db.updateTable('sessions').set({ acting_candidate_id: candidateId }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/* Invitations (single-use links: candidate invitations, admin set-up, password resets) */

export type InvitationPurpose = InvitationTable['purpose'];

export interface InvitationRecord {
  id: number;
  purpose: InvitationPurpose;
  candidateId: number | null;
  userId: number | null;
  email: string | null;
  expiresAt: string;
  usedAt: string | null;
}

export async function insertInvitation(
  db: Db,
  invitation: {
    tokenHash: string;
    purpose: InvitationPurpose;
    candidateId: number | null;
    userId: number | null;
    email: string | null;
    now: string;
    expiresAt: string;
    /** Who made it: `user:<id>`, `cli` or `reset-form`. */
    createdBy: string;
  },
): Promise<void> {
  await db
    .insertInto('invitations')
    .values({
      token_hash: invitation.tokenHash,
      purpose: invitation.purpose,
      candidate_id: invitation.candidateId,
      user_id: invitation.userId,
      email: invitation.email,
      created_at: invitation.now,
      expires_at: invitation.expiresAt,
      created_by: invitation.createdBy,
    })
    .execute();
}

/** A candidate's invitation that still works (unused, not expired), if any: when it expires and who made it. */
export async function findLiveCandidateInvitation(db: Db, input: { candidateId: number; now: string }): Promise<{ expiresAt: string; createdBy: string | null } | null> {
  const row = await db
    .selectFrom('invitations')
    .select(['expires_at', 'created_by'])
    .where('purpose', '=', 'candidate')
    .where('candidate_id', '=', input.candidateId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', input.now)
    .orderBy('expires_at', 'desc')
    .executeTakeFirst();
  return row ? { expiresAt: row.expires_at, createdBy: row.created_by } : null;
}

export async function findInvitation(db: Db, tokenHash: string): Promise<InvitationRecord | null> {
  const row = await db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return row
    ? {
        id: row.id,
        purpose: row.purpose,
        candidateId: row.candidate_id,
        userId: row.user_id,
        email: row.email,
        expiresAt: row.expires_at,
        usedAt: row.used_at,
      }
    : null;
}

/** Marks an invitation used; false when it was already used (another request won the race). */
export async function useInvitation(db: Db, id: number, now: string): Promise<boolean> {
  const result = await db.updateTable('invitations').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends the unused links of a candidate (or user) of one purpose: a new invitation replaces older ones. */
export async function expireOpenInvitations(
  db: Db,
  input: { purpose: InvitationPurpose; candidateId?: number; userId?: number; now: string },
): Promise<void> {
  let query = db
    .updateTable('invitations')
    .set({ expires_at: input.now })
    .where('purpose', '=', input.purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', input.now);
  if (input.candidateId !== undefined) query = query.where('candidate_id', '=', input.candidateId);
  if (input.userId !== undefined) query = query.where('user_id', '=', input.userId);
  await query.execute();
}
