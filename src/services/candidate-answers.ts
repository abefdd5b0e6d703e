import type { Updateable } from 'kysely';
import type { Db } from '../db/client.js';
import { flag, readLinks } from '../db/json-columns.js';
import type { CandidateTable } from '../db/schema.js';
import { appendAuditEntry } from '../db/repositories/audit-log.js';
import { findCandidateById } from '../db/repositories/candidates.js';
import { listAnswerRows, listDrafts, replaceDrafts } from '../db/repositories/drafts.js';
import { bumpRaceVersion, findElectionQuestionnaire } from '../db/repositories/elections.js';
import { historyWriter } from '../db/repositories/history.js';
import { keepText, withheldTexts } from '../db/repositories/justification-texts.js';
import { textSha256 } from '../domain/history-chain.js';
import type { Clock } from '../domain/clock.js';
import type { Candidate, DraftAnswer, ElectionDetail, ElectionQuestionnaire } from '../domain/election.js';

/*
 * A candidate's questionnaire: a private draft saved at any time, and the
 * published answers voters see. Publishing copies the draft over the published
 * answers in one transaction; once a candidate has published, every change is
 * appended to the public, hash-chained history with who made it.
 */

export interface Questionnaire<E extends ElectionQuestionnaire = ElectionDetail> {
  election: E;
  candidate: Candidate;
  /** The draft, or the published answers when no draft was saved yet; never a hidden or redacted justification. */
  draft: Map<number, DraftAnswer>;
  /** The published answers as the candidate sees them: a hidden or redacted justification gives way to its reason. */
  published: Map<number, PublishedAnswer>;
  /** Statement → the organizers' public reason, where a justification the candidate wrote is hidden or removed. */
  withheld: Map<number, string>;
  /** Statements of the draft that differ from what is published. */
  unpublishedChanges: number;
}

/** A published answer as its candidate sees it. */
export interface PublishedAnswer extends DraftAnswer {
  /** Set when organizers hid the justification, or removed it for good: the words are not shown, this is. */
  hiddenReason: string | null;
}

/**
 * The candidate and their election, without their answers: what a save needs.
 * `election` reads the election (pages pass the cache's: a national election
 * has 11,000 races to read otherwise).
 */
export async function loadCandidate<E extends ElectionQuestionnaire>(
  db: Db,
  candidateId: number,
  election: (slug: string) => Promise<E | null>,
): Promise<Pick<Questionnaire<E>, 'election' | 'candidate'> | null> {
  const found = await findCandidateById(db, candidateId);
  const detail = found && (await election(found.electionSlug));
  return found && detail ? { election: detail, candidate: found.candidate } : null;
}

/**
 * The candidate's questionnaire: `loadCandidate` with the draft and the
 * published answers. A justification the organizers hid, or removed for good,
 * is not given back to the candidate, neither from the published answers nor
 * from a draft that holds the same words: its public reason is, so that a
 * form saved and published as shown never brings the words back.
 */
export async function loadQuestionnaire<E extends ElectionQuestionnaire>(
  db: Db,
  candidateId: number,
  election: (slug: string) => Promise<E | null>,
): Promise<Questionnaire<E> | null> {
  const who = await loadCandidate(db, candidateId, election);
  if (!who) return null;
  const drafts = await listDrafts(db, candidateId);
  const publishedRows = await listAnswerRows(db, candidateId);
  const withheldWords = await withheldTexts(db, candidateId);
  const withheld = new Map<number, string>();
  const published = new Map(
    publishedRows.map((r) => [
      r.statement_id,
      { statementId: r.statement_id, value: r.value, justification: r.hidden_reason === null ? r.justification : null, hiddenReason: r.hidden_reason },
    ]),
  );
  const shown = (answer: DraftAnswer): DraftAnswer => {
    const reason = answer.justification === null ? undefined : withheldWords.get(answer.statementId)?.get(textSha256(answer.justification));
    if (reason === undefined) return answer;
    withheld.set(answer.statementId, reason);
    return { ...answer, justification: null };
  };
  const draft =
    drafts.length > 0
      ? new Map(drafts.map((d) => [d.statementId, shown(d)]))
      : new Map([...published].map(([id, p]) => [id, { statementId: p.statementId, value: p.value, justification: p.justification }]));
  for (const [id, p] of published) {
    if (p.hiddenReason !== null && draft.get(id)?.justification === null && !withheld.has(id)) withheld.set(id, p.hiddenReason);
  }
  return { ...who, draft, published, withheld, unpublishedChanges: countChanges(published, draft) };
}

function same(a: DraftAnswer | undefined, b: DraftAnswer | undefined): boolean {
  if (!a || !b) return a === b;
  return a.value === b.value && (a.justification ?? null) === (b.justification ?? null);
}

function countChanges(published: Map<number, DraftAnswer>, draft: Map<number, DraftAnswer>): number {
  const ids = new Set([...published.keys(), ...draft.keys()]);
  return [...ids].filter((id) => !same(published.get(id), draft.get(id))).length;
}

/** Saves the whole draft (statements left unanswered have no entry). */
export async function saveDraft(deps: { db: Db; clock: Clock }, input: { candidateId: number; answers: DraftAnswer[] }): Promise<void> {
  await deps.db.transaction().execute((trx) =>
    replaceDrafts(trx, { candidateId: input.candidateId, answers: input.answers, now: deps.clock.now().toISOString() }),
  );
}

export type PublishOutcome = { ok: true; changes: number; historyEntries: number } | { ok: false; problem: 'empty' | 'closed' };

/**
 * Publishes the draft. The first publication records no history (nothing was
 * public before); later ones append one entry per changed statement, with the
 * SHA-256 of each justification (the words are kept beside the chain). The
 * draft never holds words the organizers hid or removed (`loadQuestionnaire`);
 * should it still, their kept text keeps them hidden. New words are shown.
 * An organizer publishing at the candidate's request (`organizer`, their
 * e-mail) is named in the audit log.
 */
export async function publishDraft(
  deps: { db: Db; clock: Clock },
  input: { candidateId: number; actor: string; organizer?: string | undefined },
): Promise<PublishOutcome> {
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    // The questionnaire alone, not the races: this runs inside the transaction.
    const state = await loadQuestionnaire(trx, input.candidateId, (slug) => findElectionQuestionnaire(trx, slug));
    if (!state) throw new Error(`candidate ${input.candidateId} vanished`);
    if (!state.election.questionnaireOpen) return { ok: false, problem: 'closed' } as const;
    if (state.draft.size === 0) return { ok: false, problem: 'empty' } as const;
    const wasPublished = state.candidate.status === 'published';
    const rows = new Map((await listAnswerRows(trx, input.candidateId)).map((r) => [r.statement_id, r]));
    const history = await historyWriter(trx, state.election.id);
    const keys = new Map(state.election.statements.map((s) => [s.id, s.key]));
    let changes = 0;
    for (const statement of state.election.statements) {
      const next = state.draft.get(statement.id);
      if (same(state.published.get(statement.id), next)) continue;
      const row = rows.get(statement.id);
      const old = row ? { value: row.value, justificationSha256: row.justification_sha256 } : null;
      const words = next?.justification ?? null;
      const fate = words === null ? null : await keepText(trx, { electionId: state.election.id, candidateId: input.candidateId, statementId: statement.id, text: words, now });
      const written = next ? { value: next.value, justificationSha256: fate?.sha256 ?? null } : null;
      // The same value and words as stored, which the candidate was not shown (hidden): nothing changes.
      if (old && written && old.value === written.value && old.justificationSha256 === written.justificationSha256) continue;
      changes += 1;
      const columns = next && {
        value: next.value,
        justification: fate?.redacted ? null : next.justification,
        justification_sha256: fate?.sha256 ?? null,
        hidden_reason: fate?.withheldReason ?? null,
        updated_at: now,
      };
      if (columns && row) {
        await trx.updateTable('answers').set(columns).where('id', '=', row.id).execute();
      } else if (columns) {
        await trx
          .insertInto('answers')
          .values({ candidate_id: input.candidateId, statement_id: statement.id, ...columns })
          .execute();
      } else if (row) {
        await trx.deleteFrom('answers').where('id', '=', row.id).execute();
      }
      if (wasPublished) {
        await history.append({
          candidateId: input.candidateId,
          candidateKey: state.candidate.key,
          statementId: statement.id,
          statementKey: keys.get(statement.id) ?? '',
          old,
          next: written,
          changedAt: now,
          actor: input.actor,
        });
      }
    }
    await replaceDrafts(trx, { candidateId: input.candidateId, answers: [], now });
    if (!wasPublished) {
      await trx.updateTable('candidates').set({ status: 'published', published_at: now, updated_at: now }).where('id', '=', input.candidateId).execute();
    }
    await bumpRaceVersion(trx, state.candidate.raceId);
    if (input.organizer !== undefined) {
      await appendAuditEntry(trx, {
        electionId: state.election.id,
        actor: input.organizer,
        action: 'publish-for-candidate',
        details: { candidate: state.candidate.key, changes },
        now,
      });
    }
    return { ok: true, changes, historyEntries: history.appended() } as const;
  });
}

/** What the profile form sends, read: empty fields are null. */
export interface ProfileInput {
  candidateId: number;
  bio: string | null;
  links: string[];
  photoUrl: string | null;
  gender: string | null;
  raceColor: string | null;
  lgbt: boolean | null;
  collective: boolean | null;
}

/**
 * Updates what a candidate says about themselves; links must be http(s). The
 * self-declared identity (gender, race/colour, LGBT+, collective candidacy)
 * is optional. The form shows every stored value, whoever stored it (a
 * package, the court's roster, an earlier save): a value sent back as it is
 * stays as it is, with its source, so saving an unchanged form writes
 * nothing. A gender or race/colour the candidate changes becomes their own
 * declaration; one they empty keeps the court's value (marked as such), and
 * is removed when nobody but the candidate had declared it.
 */
export async function saveProfile(deps: { db: Db; clock: Clock }, input: ProfileInput): Promise<'saved' | 'unchanged'> {
  return deps.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('candidates')
      .select(['race_id', 'bio', 'links', 'photo_url', 'gender', 'gender_source', 'race_color', 'race_color_source', 'lgbt', 'collective'])
      .where('id', '=', input.candidateId)
      .executeTakeFirstOrThrow();
    const changes: Updateable<CandidateTable> = {};
    const declared = (value: string | null, stored: string | null, source: string | null) => {
      if (value === stored || (value === null && source === 'court')) return null;
      return { value, source: value === null ? null : 'self' };
    };
    const gender = declared(input.gender, current.gender, current.gender_source);
    if (gender) Object.assign(changes, { gender: gender.value, gender_source: gender.source });
    const raceColor = declared(input.raceColor, current.race_color, current.race_color_source);
    if (raceColor) Object.assign(changes, { race_color: raceColor.value, race_color_source: raceColor.source });
    // Browsers send a text area's line ends as CRLF: a bio is the same text whatever its line ends.
    if ((input.bio ?? '') !== (current.bio ?? '').replace(/\r\n?/g, '\n')) changes.bio = input.bio;
    if (JSON.stringify(input.links) !== JSON.stringify(readLinks(current.links))) changes.links = input.links.length > 0 ? JSON.stringify(input.links) : null;
    if (input.photoUrl !== current.photo_url) changes.photo_url = input.photoUrl;
    if (input.lgbt !== flag.read(current.lgbt)) changes.lgbt = flag.write(input.lgbt);
    if (input.collective !== flag.read(current.collective)) changes.collective = flag.write(input.collective);
    if (Object.keys(changes).length === 0) return 'unchanged';
    await trx
      .updateTable('candidates')
      .set({ ...changes, updated_at: deps.clock.now().toISOString() })
      .where('id', '=', input.candidateId)
      .execute();
    // Results show and filter by the profile: caches reload the race.
    await bumpRaceVersion(trx, current.race_id);
    return 'saved';
  });
}
