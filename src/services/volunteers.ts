import type { Db } from '../db/client.js';
import { readLinks } from '../db/json-columns.js';
import {
  approveUser,
  confirmUser,
  findUserByEmail,
  findUserById,
  findVolunteer,
  insertInvitation,
  insertUser,
  listVolunteers,
  setUserName,
  useInvitation,
  type UserRecord,
  type VolunteerAccount,
} from '../db/repositories/accounts.js';
import { countHit } from '../db/repositories/rate-limits.js';
import type { Clock } from '../domain/clock.js';
import type { CandidateStatus } from '../domain/election.js';
import { seededRandom, shuffle } from '../domain/fairness.js';
import { responseRate, type ResponseRate } from '../domain/response-rate.js';
import { isLocale, type Locale } from '../domain/locale.js';
import { translate } from '../i18n.js';
import { change, type Actor, type AdminDeps } from './admin.js';
import { createSession, openLink, RESET_PATH, type AuthDeps, type LinkProblem } from './auth.js';
import { inviteCandidates } from './invitations.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { newToken } from './tokens.js';

/*
 * Volunteers raise the response rate: each takes a few candidates who have
 * not published, for a limited time, contacts them and logs each attempt.
 * A candidate has at most one holder (the lock table's primary key), and an
 * expired hold frees the candidate for others.
 */

export interface VolunteerDeps {
  db: Db;
  clock: Clock;
  config: { volunteerMaxHold: number; volunteerHoldHours: number; volunteerTakesPerDay: number; passwordScryptLogN: number };
}

export const CHANNELS = ['email', 'phone', 'whatsapp', 'social', 'in_person', 'other'] as const;
export const OUTCOMES = ['no_answer', 'refused', 'promised', 'answered'] as const;

/** Where the links that confirm a volunteer's sign-up lead. */
export const VOLUNTEER_CONFIRM_PATH = '/volunteer/confirm';

/** Where each kind of account signs in. */
const LOGIN_PATHS: Record<UserRecord['role'], string> = { volunteer: '/volunteer/login', candidate: '/candidate/login', admin: '/admin/login' };

/**
 * A volunteer's sign-up, done after the answer, which is the same whatever
 * the address (so the form cannot tell who has an account): the password is
 * hashed in every case; a new address gets an account waiting for an
 * organizer's approval that works once confirmed through the single-use link
 * e-mailed to it; an address that has an account gets an e-mail saying that
 * someone tried, with the sign-in and password-reset links. Neither e-mail
 * repeats the name given, which anyone may have typed.
 */
export async function signUpVolunteer(deps: AuthDeps, input: { name: string; email: string; password: string; locale: Locale }): Promise<void> {
  const passwordHash = await hashPassword(input.password, deps.config.passwordScryptLogN);
  const now = deps.clock.now();
  const { token, hash } = newToken();
  const create = () =>
    deps.db.transaction().execute(async (trx) => {
      const existing = await findUserByEmail(trx, input.email);
      if (existing) return existing;
      const userId = await insertUser(trx, {
        email: input.email,
        passwordHash,
        role: 'volunteer',
        candidateId: null,
        locale: input.locale,
        now: now.toISOString(),
        confirmed: false,
      });
      await setUserName(trx, userId, input.name);
      await insertInvitation(trx, {
        tokenHash: hash,
        purpose: 'volunteer',
        candidateId: null,
        userId,
        email: input.email.toLowerCase(),
        now: now.toISOString(),
        expiresAt: new Date(now.getTime() + deps.config.invitationTtlDays * 86_400_000).toISOString(),
        createdBy: 'signup-form',
      });
      return null;
    });
  let existing: UserRecord | null;
  try {
    existing = await create();
  } catch (error) {
    // The same address signed up at the same moment: the other sign-up made the account.
    existing = await findUserByEmail(deps.db, input.email);
    if (!existing) throw error;
  }
  if (existing) {
    const locale = isLocale(existing.locale) ? existing.locale : input.locale;
    await deps.mailer.send({
      to: existing.email,
      subject: translate(locale, 'mail.volunteerExisting.subject'),
      text: translate(locale, 'mail.volunteerExisting.body', {
        login: `${deps.config.baseUrl}${LOGIN_PATHS[existing.role]}`,
        reset: `${deps.config.baseUrl}${RESET_PATH}`,
      }),
    });
    return;
  }
  await deps.mailer.send({
    to: input.email.toLowerCase(),
    subject: translate(input.locale, 'mail.volunteerConfirm.subject'),
    text: translate(input.locale, 'mail.volunteerConfirm.body', {
      link: `${deps.config.baseUrl}${VOLUNTEER_CONFIRM_PATH}/${token}`,
      days: deps.config.invitationTtlDays,
    }),
  });
}

export type ConfirmProblem = LinkProblem | 'wrong_password';

/**
 * Confirms a volunteer's sign-up from the e-mailed link and the password
 * chosen at sign-up: the link shows the address is theirs, the password that
 * they are who signed up (the owner of an address someone else signed up with
 * cannot take over that account, and asks for a new password instead). The
 * link is used up and the volunteer is signed in.
 */
export async function confirmVolunteer(
  deps: AuthDeps,
  input: { token: unknown; password: string },
): Promise<{ ok: true; sessionToken: string } | { ok: false; problem: ConfirmProblem }> {
  const link = await openLink(deps, input.token, ['volunteer']);
  if (!link.ok) return link;
  const user = link.invitation.userId === null ? null : await findUserById(deps.db, link.invitation.userId);
  if (!user || !user.passwordHash || user.disabled) return { ok: false, problem: 'unknown' };
  if (!(await verifyPassword(input.password, user.passwordHash))) return { ok: false, problem: 'wrong_password' };
  const now = deps.clock.now().toISOString();
  const used = await deps.db.transaction().execute(async (trx) => {
    if (!(await useInvitation(trx, link.invitation.id, now))) return false;
    await confirmUser(trx, user.id, now);
    return true;
  });
  if (!used) return { ok: false, problem: 'used' };
  return { ok: true, sessionToken: await createSession(deps, user.id) };
}

/** Every volunteer, the newest first: whom organizers approve. */
export async function allVolunteers(db: Db): Promise<VolunteerAccount[]> {
  return listVolunteers(db);
}

/** An organizer approves a volunteer, who may then take candidates to contact; the audit log names the organizer. */
export async function approveVolunteer(deps: AdminDeps, input: { id: number; actor: Actor }): Promise<{ ok: true } | { ok: false; problem: 'not_found' }> {
  const volunteer = await findVolunteer(deps.db, input.id);
  if (!volunteer) return { ok: false, problem: 'not_found' };
  await change(deps, { electionId: null, actor: input.actor, action: 'approve-volunteer', details: { volunteer: volunteer.email } }, async (trx, now) => {
    await approveUser(trx, volunteer.id, now);
  });
  return { ok: true };
}

export async function isApproved(db: Db, userId: number): Promise<boolean> {
  const row = await db.selectFrom('users').select('approved_at').where('id', '=', userId).executeTakeFirst();
  return row?.approved_at !== null && row?.approved_at !== undefined;
}

/** Frees the holds whose time ran out. */
async function releaseExpired(db: Db, now: string): Promise<void> {
  await db.deleteFrom('candidate_locks').where('expires_at', '<=', now).execute();
}

export type TakeOutcome = 'taken' | 'held_by_other' | 'limit' | 'daily_limit' | 'published' | 'not_found';

const DAY_MS = 86_400_000;

/** Raised inside a take's transaction to undo it: the volunteer has taken their day's share. */
class DailyLimitReached extends Error {}

/**
 * Takes a candidate for a volunteer. Two volunteers racing for one candidate:
 * one insert wins on the primary key, the other is told it is taken.
 *
 * A take shows the candidate's contact details and lets the volunteer invite
 * them, so a volunteer may take VOLUNTEER_TAKES_PER_DAY candidates in 24
 * hours (counted in `rate_limits`, shared by every process); taking and
 * returning candidates in a loop soon stops. Returning one is never limited:
 * it only frees the candidate for others, and each return follows a take.
 */
export async function takeCandidate(deps: VolunteerDeps, input: { electionId: number; candidateKey: string; volunteerId: number }): Promise<TakeOutcome> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const candidate = await deps.db
    .selectFrom('candidates')
    .select(['id', 'status'])
    .where('election_id', '=', input.electionId)
    .where('key', '=', input.candidateKey)
    .executeTakeFirst();
  if (!candidate) return 'not_found';
  if (candidate.status === 'published') return 'published';
  try {
    return await deps.db.transaction().execute(async (trx) => {
      await releaseExpired(trx, nowIso);
      const mine = await trx.selectFrom('candidate_locks').select('candidate_id').where('volunteer_id', '=', input.volunteerId).execute();
      if (mine.some((l) => l.candidate_id === candidate.id)) return 'taken' as const;
      if (mine.length >= deps.config.volunteerMaxHold) return 'limit' as const;
      const inserted = await trx
        .insertInto('candidate_locks')
        .values({
          candidate_id: candidate.id,
          election_id: input.electionId,
          volunteer_id: input.volunteerId,
          created_at: nowIso,
          expires_at: new Date(now.getTime() + deps.config.volunteerHoldHours * 3_600_000).toISOString(),
        })
        .onConflict((oc) => oc.column('candidate_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return 'held_by_other' as const;
      // Counted with the take, in its transaction: a refused take is not counted.
      const takes = await countHit(trx, `volunteer-takes:${input.volunteerId}`, nowIso, new Date(now.getTime() + DAY_MS).toISOString());
      if (takes.hits > deps.config.volunteerTakesPerDay) throw new DailyLimitReached();
      return 'taken' as const;
    });
  } catch (error) {
    if (error instanceof DailyLimitReached) return 'daily_limit';
    // A concurrent writer's insert won (PostgreSQL serialization or SQLite busy): the candidate is someone else's.
    return 'held_by_other';
  }
}

export async function releaseCandidate(deps: VolunteerDeps, input: { electionId: number; candidateKey: string; volunteerId: number }): Promise<void> {
  const candidate = await deps.db.selectFrom('candidates').select('id').where('election_id', '=', input.electionId).where('key', '=', input.candidateKey).executeTakeFirst();
  if (!candidate) return;
  await deps.db.deleteFrom('candidate_locks').where('candidate_id', '=', candidate.id).where('volunteer_id', '=', input.volunteerId).execute();
}

export type VolunteerInviteOutcome =
  | { kind: 'not_held' }
  | { kind: 'registered' }
  | { kind: 'live'; expiresAt: string }
  | { kind: 'emailed'; to: string }
  | { kind: 'link'; link: string };

/**
 * An invitation for a candidate the volunteer holds, under rules that keep a
 * volunteer from taking the candidate's place (registering with the link):
 * - a candidate whose invitation still works keeps it and gets no new one
 *   from a volunteer (a new one would replace theirs); an organizer may make one;
 * - a candidate with an e-mail on file gets the invitation by e-mail, and
 *   the volunteer is told where it went, never the link;
 * - only for a candidate with no e-mail on file does the volunteer get the
 *   link to pass on by phone or messaging app (SPEC §1), once while it works.
 * The invitation records the volunteer as its maker, and the audit log names them.
 */
export async function inviteHeldCandidate(
  deps: VolunteerDeps & Parameters<typeof inviteCandidates>[0],
  input: { election: { id: number; slug: string }; candidateKey: string; volunteer: { id: number; email: string } },
): Promise<VolunteerInviteOutcome> {
  const held = (await holdings(deps, { electionId: input.election.id, volunteerId: input.volunteer.id })).some((h) => h.key === input.candidateKey);
  if (!held) return { kind: 'not_held' };
  const outcome = await inviteCandidates(deps, {
    election: input.election.slug,
    candidate: input.candidateKey,
    keepLive: true,
    by: { createdBy: `user:${input.volunteer.id}`, actor: input.volunteer.email },
  });
  if (!outcome.ok) return { kind: 'not_held' };
  const skipped = outcome.skipped[0];
  if (skipped?.reason === 'live') return { kind: 'live', expiresAt: skipped.expiresAt };
  const invitation = outcome.invitations[0];
  if (!invitation) return { kind: 'registered' };
  return invitation.emailedTo === null ? { kind: 'link', link: invitation.link } : { kind: 'emailed', to: invitation.emailedTo };
}

/** Records a contact attempt; only the volunteer holding the candidate may. */
export async function logContact(
  deps: VolunteerDeps,
  input: { electionId: number; candidateKey: string; volunteerId: number; channel: (typeof CHANNELS)[number]; outcome: (typeof OUTCOMES)[number]; note: string | null },
): Promise<'logged' | 'not_held'> {
  const now = deps.clock.now().toISOString();
  const held = await deps.db
    .selectFrom('candidate_locks')
    .innerJoin('candidates', 'candidates.id', 'candidate_locks.candidate_id')
    .select('candidates.id')
    .where('candidates.election_id', '=', input.electionId)
    .where('candidates.key', '=', input.candidateKey)
    .where('candidate_locks.volunteer_id', '=', input.volunteerId)
    .where('candidate_locks.expires_at', '>', now)
    .executeTakeFirst();
  if (!held) return 'not_held';
  await deps.db
    .insertInto('contact_attempts')
    .values({ election_id: input.electionId, candidate_id: held.id, volunteer_id: input.volunteerId, channel: input.channel, outcome: input.outcome, note: input.note, created_at: now })
    .execute();
  return 'logged';
}

const UNDERREPRESENTED_GENDERS = new Set(['mulher', 'feminino', 'mulher trans', 'mulher cis', 'não binário', 'não binária', 'travesti']);
const UNDERREPRESENTED_RACES = new Set(['preta', 'parda', 'indígena']);

export interface QueueEntry {
  key: string;
  name: string;
  ballotName: string;
  raceId: number;
  status: string;
}

/**
 * The next candidates a volunteer may take in a race (or the election): not
 * published, not held by anyone. Order: the election's choice — a random
 * order of the volunteer's own (so volunteers rarely collide), or the
 * under-represented first (women, Black, brown and Indigenous candidates,
 * LGBT+ and collective candidacies, as #MeRepresenta did), then random.
 */
export async function queue(deps: VolunteerDeps, input: { electionId: number; raceId?: number | undefined; volunteerId: number; limit: number }): Promise<QueueEntry[]> {
  const now = deps.clock.now().toISOString();
  const election = await deps.db.selectFrom('elections').select('volunteer_priority').where('id', '=', input.electionId).executeTakeFirstOrThrow();
  let query = deps.db
    .selectFrom('candidates')
    .select(['id', 'key', 'name', 'ballot_name', 'race_id', 'status', 'gender', 'race_color', 'lgbt', 'collective'])
    .where('election_id', '=', input.electionId)
    .where('status', '!=', 'published')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('candidate_locks').select('candidate_locks.candidate_id').whereRef('candidate_locks.candidate_id', '=', 'candidates.id').where('candidate_locks.expires_at', '>', now))));
  if (input.raceId !== undefined) query = query.where('race_id', '=', input.raceId);
  const rows = shuffle(await query.execute(), seededRandom(input.volunteerId * 7919 + Math.floor(Date.parse(now) / 86_400_000)));
  const priority = (c: (typeof rows)[number]) =>
    election.volunteer_priority === 'underrepresented' &&
    ((c.gender !== null && UNDERREPRESENTED_GENDERS.has(c.gender)) || (c.race_color !== null && UNDERREPRESENTED_RACES.has(c.race_color)) || c.lgbt === 1 || c.collective === 1)
      ? 0
      : 1;
  return rows
    .map((c, index) => ({ c, index, p: priority(c) }))
    .sort((a, b) => a.p - b.p || a.index - b.index)
    .slice(0, input.limit)
    .map(({ c }) => ({ key: c.key, name: c.name, ballotName: c.ballot_name ?? c.name, raceId: c.race_id, status: c.status }));
}

/** A candidate a volunteer holds, with how to reach them and the attempts logged, latest first. */
export interface HeldCandidate {
  key: string;
  name: string;
  /** The name on the ballot, or the full name. */
  ballotName: string;
  raceId: number;
  email: string | null;
  links: string[];
  status: CandidateStatus;
  expiresAt: string;
  attempts: Array<{ at: string; channel: string; outcome: string; note: string | null }>;
}

/** The candidates a volunteer holds now, with their contact log. */
export async function holdings(deps: VolunteerDeps, input: { electionId: number; volunteerId: number }): Promise<HeldCandidate[]> {
  const now = deps.clock.now().toISOString();
  const held = await deps.db
    .selectFrom('candidate_locks')
    .innerJoin('candidates', 'candidates.id', 'candidate_locks.candidate_id')
    .select(['candidates.id', 'candidates.key', 'candidates.name', 'candidates.ballot_name', 'candidates.race_id', 'candidates.email', 'candidates.links', 'candidates.status', 'candidate_locks.expires_at'])
    .where('candidate_locks.volunteer_id', '=', input.volunteerId)
    .where('candidate_locks.election_id', '=', input.electionId)
    .where('candidate_locks.expires_at', '>', now)
    .orderBy('candidate_locks.created_at')
    .execute();
  const attempts = held.length === 0 ? [] : await deps.db.selectFrom('contact_attempts').selectAll().where('candidate_id', 'in', held.map((h) => h.id)).orderBy('id', 'desc').execute();
  return held.map((h) => ({
    key: h.key,
    name: h.name,
    ballotName: h.ballot_name ?? h.name,
    raceId: h.race_id,
    email: h.email,
    links: readLinks(h.links),
    status: h.status,
    expiresAt: h.expires_at,
    attempts: attempts.filter((a) => a.candidate_id === h.id).map((a) => ({ at: a.created_at, channel: a.channel, outcome: a.outcome, note: a.note })),
  }));
}

/** Response rate of each race, for the progress a volunteer sees. */
export async function raceProgress(db: Db, electionId: number, raceIds: number[]): Promise<Map<number, ResponseRate>> {
  if (raceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('candidates')
    .select(['race_id', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('election_id', '=', electionId)
    .where('race_id', 'in', raceIds)
    .groupBy(['race_id', 'status'])
    .execute();
  return new Map(raceIds.map((id) => [id, responseRate(rows.filter((r) => r.race_id === id).map((r) => ({ status: r.status, count: Number(r.n) })))]));
}
