import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import {
  confirmUser,
  deleteSession,
  deleteUserSessions,
  expireOpenInvitations,
  findInvitation,
  findSession,
  findUserByEmail,
  findUserById,
  insertInvitation,
  insertSession,
  insertUser,
  setUserPassword,
  touchSession,
  useInvitation,
  type InvitationPurpose,
  type InvitationRecord,
  type SessionRecord,
  type UserRecord,
} from '../db/repositories/accounts.js';
import type { Clock } from '../domain/clock.js';
import type { Locale } from '../domain/locale.js';
import { translate } from '../i18n.js';
import type { Mailer } from './mailer.js';
import { hashPassword, passwordProblem, verifyAgainstNothing, verifyPassword, type PasswordProblem } from './passwords.js';
import { hashToken, looksLikeToken, newToken } from './tokens.js';

/*
 * Accounts and sessions for candidates and organizers. Session ids and link
 * tokens are random 256-bit values; only their hashes are stored. A session
 * ends after `SESSION_IDLE_MINUTES` without use or `SESSION_ABSOLUTE_HOURS`
 * after login, whichever comes first.
 */

/** Where password-reset links lead (and the form that asks for one). */
export const RESET_PATH = '/candidate/reset';

/** Where `create-admin` links lead. */
export const ADMIN_SETUP_PATH = '/admin/setup';

export interface AuthDeps {
  db: Db;
  clock: Clock;
  config: Config;
  mailer: Mailer;
}

/** What an account is for: an organizer's, a candidate's or a volunteer's. */
export type Role = UserRecord['role'];

export interface SignedIn {
  session: SessionRecord;
  user: UserRecord;
}

const minutes = (n: number) => n * 60_000;
/** Last-seen times are written at most this often, to keep reads from becoming writes. */
const TOUCH_INTERVAL_MS = 60_000;

export async function createSession(deps: AuthDeps, userId: number): Promise<string> {
  const { token, hash } = newToken();
  const now = deps.clock.now();
  await insertSession(deps.db, {
    idHash: hash,
    userId,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.config.sessionAbsoluteHours * 3_600_000).toISOString(),
  });
  return token;
}

/** The session a cookie names, if it is still alive; an expired one is deleted. */
export async function resolveSession(deps: AuthDeps, token: unknown): Promise<SignedIn | null> {
  if (!looksLikeToken(token)) return null;
  const session = await findSession(deps.db, hashToken(token));
  if (!session) return null;
  const now = deps.clock.now().getTime();
  const idleUntil = Date.parse(session.lastSeenAt) + minutes(deps.config.sessionIdleMinutes);
  if (now >= Date.parse(session.expiresAt) || now >= idleUntil) {
    await deleteSession(deps.db, session.idHash);
    return null;
  }
  const user = await findUserById(deps.db, session.userId);
  if (!user || user.disabled) return null;
  if (now - Date.parse(session.lastSeenAt) > TOUCH_INTERVAL_MS) {
    await touchSession(deps.db, session.idHash, new Date(now).toISOString());
  }
  return { session, user };
}

export async function endSession(deps: AuthDeps, token: unknown): Promise<void> {
  if (looksLikeToken(token)) await deleteSession(deps.db, hashToken(token));
}

/** Checks an e-mail and password; a new session token when they match an active account of an allowed role. */
export async function logIn(
  deps: AuthDeps,
  input: { email: string; password: string; roles: readonly UserRecord['role'][] },
): Promise<{ token: string; user: UserRecord } | null> {
  const user = await findUserByEmail(deps.db, input.email);
  if (!user || !user.passwordHash || user.disabled || !input.roles.includes(user.role)) {
    await verifyAgainstNothing(input.password, deps.config.passwordScryptLogN);
    return null;
  }
  // An account nobody has confirmed yet (a volunteer's sign-up) refuses its password like a wrong one.
  if (!(await verifyPassword(input.password, user.passwordHash)) || !user.confirmed) return null;
  return { token: await createSession(deps, user.id), user };
}

export type LinkProblem = 'unknown' | 'used' | 'expired';

/** The invitation or reset link a token opens, or why it cannot be used. */
export async function openLink(
  deps: AuthDeps,
  token: unknown,
  purposes: readonly InvitationPurpose[],
): Promise<{ ok: true; invitation: InvitationRecord } | { ok: false; problem: LinkProblem }> {
  if (!looksLikeToken(token)) return { ok: false, problem: 'unknown' };
  const invitation = await findInvitation(deps.db, hashToken(token));
  if (!invitation || !purposes.includes(invitation.purpose)) return { ok: false, problem: 'unknown' };
  if (invitation.usedAt !== null) return { ok: false, problem: 'used' };
  if (Date.parse(invitation.expiresAt) <= deps.clock.now().getTime()) return { ok: false, problem: 'expired' };
  return { ok: true, invitation };
}

export type AcceptProblem = LinkProblem | PasswordProblem | 'mismatch' | 'email_taken' | 'already_registered';

/**
 * A candidate accepts an invitation: sets their login e-mail and password. The
 * link is used up, the candidate becomes `registered`, and they are signed in.
 */
export async function acceptCandidateInvitation(
  deps: AuthDeps,
  input: { token: unknown; email: string; password: string; confirm: string; locale: Locale },
): Promise<{ ok: true; sessionToken: string } | { ok: false; problem: AcceptProblem }> {
  const link = await openLink(deps, input.token, ['candidate']);
  if (!link.ok) return link;
  const problem = input.password !== input.confirm ? 'mismatch' : passwordProblem(input.password);
  if (problem) return { ok: false, problem };
  const passwordHash = await hashPassword(input.password, deps.config.passwordScryptLogN);
  const now = deps.clock.now().toISOString();
  const candidateId = link.invitation.candidateId;
  if (candidateId === null) return { ok: false, problem: 'unknown' };
  const outcome = await deps.db.transaction().execute(async (trx) => {
    if (await findUserByEmail(trx, input.email)) return 'email_taken' as const;
    const existing = await trx.selectFrom('users').select('id').where('candidate_id', '=', candidateId).executeTakeFirst();
    if (existing) return 'already_registered' as const;
    if (!(await useInvitation(trx, link.invitation.id, now))) return 'used' as const;
    const userId = await insertUser(trx, {
      email: input.email,
      passwordHash,
      role: 'candidate',
      candidateId,
      locale: input.locale,
      now,
      // The invitation reached the candidate: nothing more to confirm.
      confirmed: true,
    });
    await trx
      .updateTable('candidates')
      .set({ status: 'registered', email: input.email.toLowerCase(), updated_at: now })
      .where('id', '=', candidateId)
      .where('status', 'in', ['listed', 'invited'])
      .execute();
    return userId;
  });
  if (typeof outcome === 'string') return { ok: false, problem: outcome };
  return { ok: true, sessionToken: await createSession(deps, outcome) };
}

/**
 * Sends a password-reset link when an account has this e-mail. Says nothing
 * either way, so the form cannot be used to learn who has an account.
 */
export async function requestPasswordReset(deps: AuthDeps, input: { email: string; locale: Locale; path: string }): Promise<void> {
  const user = await findUserByEmail(deps.db, input.email);
  if (!user || user.disabled) return;
  const now = deps.clock.now();
  const { token, hash } = newToken();
  await expireOpenInvitations(deps.db, { purpose: 'reset', userId: user.id, now: now.toISOString() });
  await insertInvitation(deps.db, {
    tokenHash: hash,
    purpose: 'reset',
    candidateId: null,
    userId: user.id,
    email: user.email,
    now: now.toISOString(),
    expiresAt: new Date(now.getTime() + minutes(deps.config.resetTtlMinutes)).toISOString(),
    createdBy: 'reset-form',
  });
  const link = `${deps.config.baseUrl}${input.path}/${token}`;
  await deps.mailer.send({
    to: user.email,
    subject: translate(input.locale, 'mail.reset.subject'),
    text: translate(input.locale, 'mail.reset.body', { link, minutes: deps.config.resetTtlMinutes }),
  });
}

export type PasswordChangeProblem = LinkProblem | PasswordProblem | 'mismatch';

/**
 * Sets a new password from a reset or organizer set-up link. Every other
 * session of the account ends; the person is signed in afresh.
 */
export async function setPasswordFromLink(
  deps: AuthDeps,
  input: { token: unknown; password: string; confirm: string; purposes: readonly InvitationPurpose[] },
): Promise<{ ok: true; sessionToken: string; user: UserRecord } | { ok: false; problem: PasswordChangeProblem }> {
  const link = await openLink(deps, input.token, input.purposes);
  if (!link.ok) return link;
  const problem = input.password !== input.confirm ? 'mismatch' : passwordProblem(input.password);
  if (problem) return { ok: false, problem };
  const userId = link.invitation.userId;
  const user = userId === null ? null : await findUserById(deps.db, userId);
  if (!user) return { ok: false, problem: 'unknown' };
  const passwordHash = await hashPassword(input.password, deps.config.passwordScryptLogN);
  const now = deps.clock.now().toISOString();
  const used = await deps.db.transaction().execute(async (trx) => {
    if (!(await useInvitation(trx, link.invitation.id, now))) return false;
    await setUserPassword(trx, user.id, passwordHash);
    // The link reached the address: that confirms an account signed up with it (and replaces the password chosen then).
    await confirmUser(trx, user.id, now);
    await deleteUserSessions(trx, user.id);
    return true;
  });
  if (!used) return { ok: false, problem: 'used' };
  return { ok: true, sessionToken: await createSession(deps, user.id), user };
}

/** An organizer account without a password, and a one-time link to set it. */
export async function createAdmin(
  deps: Omit<AuthDeps, 'mailer'>,
  input: { email: string; path: string },
): Promise<{ ok: true; link: string } | { ok: false; problem: 'email_taken' }> {
  const now = deps.clock.now();
  const { token, hash } = newToken();
  const created = await deps.db.transaction().execute(async (trx) => {
    const existing = await findUserByEmail(trx, input.email);
    if (existing && existing.role !== 'admin') return false;
    const userId =
      existing?.id ??
      (await insertUser(trx, { email: input.email, passwordHash: null, role: 'admin', candidateId: null, locale: 'pt-BR', now: now.toISOString(), confirmed: true }));
    await expireOpenInvitations(trx, { purpose: 'admin', userId, now: now.toISOString() });
    await insertInvitation(trx, {
      tokenHash: hash,
      purpose: 'admin',
      candidateId: null,
      userId,
      email: input.email.toLowerCase(),
      now: now.toISOString(),
      expiresAt: new Date(now.getTime() + deps.config.invitationTtlDays * 86_400_000).toISOString(),
      // Organizer accounts are made by `concordo create-admin` alone.
      createdBy: 'cli',
    });
    return true;
  });
  if (!created) return { ok: false, problem: 'email_taken' };
  return { ok: true, link: `${deps.config.baseUrl}${input.path}/${token}` };
}
