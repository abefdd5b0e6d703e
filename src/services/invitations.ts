import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { expireOpenInvitations, insertInvitation } from '../db/repositories/accounts.js';
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

export type InviteOutcome =
  | { ok: true; invitations: InvitationSent[]; skipped: Array<{ candidate: string; reason: 'registered' }> }
  | { ok: false; problem: 'no_election' | 'no_candidate' };

/**
 * Creates single-use invitations for the candidates of an election who have no
 * account yet (or for one named candidate), each replacing that candidate's
 * older unused links; e-mails them in the election's language where an
 * address is on file. Invited candidates become `invited`.
 */
export async function inviteCandidates(
  deps: { db: Db; clock: Clock; config: Config; mailer: Mailer },
  input: { election: string; candidate?: string | undefined },
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
  const candidates = await query.execute();
  if (input.candidate !== undefined && candidates.length === 0) return { ok: false, problem: 'no_candidate' };

  const locale = localeForCountry(election.country);
  const electionName = localize(JSON.parse(election.name) as Parameters<typeof localize>[0], locale);
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + config.invitationTtlDays * 86_400_000).toISOString();
  const invitations: InvitationSent[] = [];
  const skipped: Array<{ candidate: string; reason: 'registered' }> = [];
  for (const candidate of candidates) {
    if (candidate.userId !== null) {
      skipped.push({ candidate: candidate.key, reason: 'registered' });
      continue;
    }
    const { token, hash } = newToken();
    await db.transaction().execute(async (trx) => {
      await expireOpenInvitations(trx, { purpose: 'candidate', candidateId: candidate.id, now: now.toISOString() });
      await insertInvitation(trx, {
        tokenHash: hash,
        purpose: 'candidate',
        candidateId: candidate.id,
        userId: null,
        email: candidate.email,
        now: now.toISOString(),
        expiresAt,
      });
      if (candidate.status === 'listed') {
        await trx.updateTable('candidates').set({ status: 'invited', updated_at: now.toISOString() }).where('id', '=', candidate.id).execute();
      }
    });
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
  return { ok: true, invitations, skipped };
}
