import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { expireOpenInvitations, findLiveCandidateInvitation, insertInvitation } from '../db/repositories/accounts.js';
import type { Clock } from '../domain/clock.js';
import { localeForCountry, localize } from '../domain/locale.js';
import { translate } from '../i18n.js';
import type { Mailer } from './mailer.js';
import { newToken } from './tokens.js';

/** Where invitation links lead; the token is removed from the address by a redirect on arrival. */
export const INVITATION_PATH = '/candidate/invitation';

export interface InvitationSent {
  candidate: string;
  link: string;
  /** The address it was e-mailed to, or null when the candidate has none on file. */
  emailedTo: string | null;
}

/** Who makes invitations: stored on each (`invitations.created_by`) and named in the audit log. */
export interface Inviter {
  /** `user:<id>` for an organizer or a volunteer, `cli` for the command line. */
  createdBy: string;
  /** Who the audit log names: their e-mail, or `cli`. */
  actor: string;
}

/** The command line, as an inviter. */
export const COMMAND_LINE: Inviter = { createdBy: 'cli', actor: 'cli' };

export type InviteSkip = { candidate: string; reason: 'registered' } | { candidate: string; reason: 'live'; expiresAt: string };

export type InviteOutcome =
  | { ok: true; invitations: InvitationSent[]; skipped: InviteSkip[] }
  | { ok: false; problem: 'no_election' | 'no_candidate' | 'no_race' };

/**
 * Creates single-use invitations for the candidates of an election who have no
 * account yet (or for one named candidate, or those of one race), each
 * replacing that candidate's older unused links, unless `keepLive` says a
 * candidate whose link still works keeps it and gets none; with
 * `onlyUninvited`, only candidates who never had an invitation. E-mails them
 * in the election's language where an address is on file. Invited candidates
 * become `invited`. The audit log names who made them.
 */
export async function inviteCandidates(
  deps: { db: Db; clock: Clock; config: Config; mailer: Mailer },
  input: { election: string; candidate?: string | undefined; race?: string | undefined; onlyUninvited?: boolean; keepLive?: boolean; by: Inviter },
): Promise<InviteOutcome> {
  const { db, clock, config } = deps;
  const election = await db.selectFrom('elections').selectAll().where('slug', '=', input.election).executeTakeFirst();
  if (!election) return { ok: false, problem: 'no_election' };
  let query = db
    .selectFrom('candidates')
    .leftJoin('users', 'users.candidate_id', 'candidates.id')
    .select(['candidates.id', 'candidates.key', 'candidates.name', 'candidates.email', 'candidates.status', 'users.id as userId'])
    .where('candidates.election_id', '=', election.id)
    .orderBy('candidates.position');
  if (input.candidate !== undefined) query = query.where('candidates.key', '=', input.candidate);
  if (input.race !== undefined) {
    const race = await db.selectFrom('races').select('id').where('election_id', '=', election.id).where('slug', '=', input.race).executeTakeFirst();
    if (!race) return { ok: false, problem: 'no_race' };
    query = query.where('candidates.race_id', '=', race.id);
  }
  if (input.onlyUninvited) {
    query = query.where((eb) => eb.not(eb.exists(eb.selectFrom('invitations').select('invitations.id').whereRef('invitations.candidate_id', '=', 'candidates.id'))));
  }
  const candidates = await query.execute();
  if (input.candidate !== undefined && candidates.length === 0) return { ok: false, problem: 'no_candidate' };

  const locale = localeForCountry(election.country);
  const electionName = localize(JSON.parse(election.name) as Parameters<typeof localize>[0], locale);
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + config.invitationTtlDays * 86_400_000).toISOString();
  const invitations: InvitationSent[] = [];
  const skipped: InviteSkip[] = [];
  for (const candidate of candidates) {
    if (candidate.userId !== null) {
      skipped.push({ candidate: candidate.key, reason: 'registered' });
      continue;
    }
    const { token, hash } = newToken();
    const live = await db.transaction().execute(async (trx) => {
      if (input.keepLive) {
        const existing = await findLiveCandidateInvitation(trx, { candidateId: candidate.id, now: now.toISOString() });
        if (existing) return existing;
      }
      await expireOpenInvitations(trx, { purpose: 'candidate', candidateId: candidate.id, now: now.toISOString() });
      await insertInvitation(trx, {
        tokenHash: hash,
        purpose: 'candidate',
        candidateId: candidate.id,
        userId: null,
        email: candidate.email,
        now: now.toISOString(),
        expiresAt,
        createdBy: input.by.createdBy,
      });
      if (candidate.status === 'listed') {
        await trx.updateTable('candidates').set({ status: 'invited', updated_at: now.toISOString() }).where('id', '=', candidate.id).execute();
      }
      return null;
    });
    if (live) {
      skipped.push({ candidate: candidate.key, reason: 'live', expiresAt: live.expiresAt });
      continue;
    }
    const link = `${config.baseUrl}${INVITATION_PATH}/${token}`;
    if (candidate.email) {
      await deps.mailer.send({
        to: candidate.email,
        subject: translate(locale, 'mail.invitation.subject', { election: electionName }),
        text: translate(locale, 'mail.invitation.body', {
          name: candidate.name,
          election: electionName,
          link,
          days: config.invitationTtlDays,
        }),
      });
    }
    invitations.push({ candidate: candidate.key, link, emailedTo: candidate.email });
  }
  if (invitations.length > 0) {
    // One entry per call: who made how many, and for whom when it was one candidate.
    await db
      .insertInto('audit_log')
      .values({
        election_id: election.id,
        actor: input.by.actor,
        action: 'invite',
        details: JSON.stringify({
          ...(invitations.length === 1 ? { candidate: invitations[0]!.candidate } : {}),
          count: invitations.length,
          emailed: invitations.filter((i) => i.emailedTo !== null).length,
          createdBy: input.by.createdBy,
        }),
        created_at: now.toISOString(),
      })
      .execute();
  }
  return { ok: true, invitations, skipped };
}
