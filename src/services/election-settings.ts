import type { Db } from '../db/client.js';
import { listAuditEntries, type AuditEntry } from '../db/repositories/audit-log.js';
import { findElectionId, findElectionSettings, insertElection, updateElection, type ElectionSettings } from '../db/repositories/elections.js';
import type { LocalizedText } from '../domain/locale.js';
import { change, type Actor, type AdminDeps } from './admin.js';

/* Elections as organizers make them and change their settings; each change is in the audit log. */

export type CreateElectionOutcome = { ok: true } | { ok: false; problem: 'no_slug' | 'slug_taken' };

/** A new election, in its campaign period; Brazilian, on a five-point scale, unless said otherwise. */
export async function createElection(
  deps: AdminDeps,
  input: { slug: string | undefined; name: LocalizedText; date: string; country?: string | undefined; scale?: number | undefined; minAnswers: number; questionnaireOpen: boolean; actor: Actor },
): Promise<CreateElectionOutcome> {
  const { slug } = input;
  if (!slug) return { ok: false, problem: 'no_slug' };
  if (await findElectionId(deps.db, slug)) return { ok: false, problem: 'slug_taken' };
  await change(deps, { electionId: null, actor: input.actor, action: 'create-election', details: { slug } }, async (trx, now) => {
    await insertElection(trx, {
      slug,
      name: input.name,
      date: input.date,
      country: input.country ?? 'BR',
      scale: input.scale ?? 5,
      minAnswers: input.minAnswers,
      questionnaireOpen: input.questionnaireOpen,
      now,
    });
  });
  return { ok: true };
}

/** What the election's settings page shows beyond the election itself: its settings and latest audit entries. */
export async function electionSettings(db: Db, electionId: number): Promise<ElectionSettings & { audit: AuditEntry[] }> {
  const [settings, audit] = await Promise.all([findElectionSettings(db, electionId), listAuditEntries(db, { electionId, limit: 30 })]);
  return { ...settings, audit };
}

/** Changes an election's name, date and settings; voters are matched afresh. */
export async function updateElectionSettings(
  deps: AdminDeps,
  input: {
    electionId: number;
    name: LocalizedText | null;
    date: string;
    minAnswers: number;
    questionnaireOpen: boolean;
    campaignPeriod: boolean;
    volunteerPriority?: string | undefined;
    actor: Actor;
  },
): Promise<void> {
  const { electionId, actor, ...settings } = input;
  const details = { minAnswers: input.minAnswers, questionnaireOpen: input.questionnaireOpen, campaignPeriod: input.campaignPeriod };
  await change(deps, { electionId, actor, action: 'update-election', details, matching: true }, async (trx, now) => {
    await updateElection(trx, { id: electionId, ...settings, now });
  });
}
