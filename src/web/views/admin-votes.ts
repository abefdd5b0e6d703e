import { localize, type Locale } from '../../domain/locale.js';
import { describeRollCallError } from '../../formats/roll-calls.js';
import type { Translator } from '../../i18n.js';
import type { RollCallImportOutcome } from '../../services/roll-call-import.js';
import type { RollCallsOverview } from '../../services/roll-call-links.js';

/* View-models of the organizers' roll-call pages. */

export const votesPath = (e: string) => `/admin/e/${encodeURIComponent(e)}/votes`;
export const linkPath = (e: string, statement: string, vote: string) =>
  `${votesPath(e)}/links/${encodeURIComponent(statement)}/${encodeURIComponent(vote)}`;

/** What the form last held, to show it again with its faults. */
export interface LinkFormState {
  statement?: string | undefined;
  vote?: string | undefined;
  direction?: string | undefined;
  explanation?: string | undefined;
  errors: string[];
}

export function votesPageView(
  overview: RollCallsOverview,
  input: {
    locale: Locale;
    t: Translator;
    csrfToken: string;
    form?: LinkFormState | undefined;
    imported?: RollCallImportOutcome | undefined;
    notice?: string | undefined;
  },
) {
  const { election } = overview;
  const { t, locale } = input;
  const form = input.form ?? { errors: [] };
  const path = votesPath(election.slug);
  return {
    title: `${t('admin.votes.title')} · ${localize(election.name, locale)}`,
    election: localize(election.name, locale),
    publicHref: `/e/${encodeURIComponent(election.slug)}/elected`,
    notice: input.notice ? t(`admin.votes.notice.${input.notice}`) : null,
    // A multipart body is read after the CSRF check, so the token goes in the address.
    importAction: `${path}/import?_csrf=${encodeURIComponent(input.csrfToken)}`,
    imported: importedView(input.imported, t),
    addAction: `${path}/links`,
    statements: election.statements.map((s) => ({
      key: s.key,
      label: `${s.key} — ${truncate(localize(s.text, locale), 90)}`,
      selected: s.key === form.statement,
    })),
    rollCalls: overview.rollCalls.map((r) => ({
      key: r.key,
      date: r.date,
      chamber: r.chamber,
      bill: r.bill,
      title: r.title,
      votes: r.votes,
      label: `${r.date} · ${r.bill} — ${truncate(r.title, 70)}`,
      selected: r.key === form.vote,
    })),
    form: { direction: form.direction ?? null, explanation: form.explanation ?? '', errors: form.errors },
    links: overview.links.map((link) => ({
      statementKey: link.statement.key,
      statementText: localize(link.statement.text, locale),
      rollCall: link.rollCall,
      directionLabel: t(link.direction === 1 ? 'coherence.direction.agrees' : 'coherence.direction.disagrees'),
      explanation: link.explanation,
      editHref: linkPath(election.slug, link.statement.key, link.rollCall.key),
      removeAction: `${linkPath(election.slug, link.statement.key, link.rollCall.key)}/delete`,
    })),
  };
}

function importedView(outcome: RollCallImportOutcome | undefined, t: Translator) {
  if (!outcome || (!outcome.ok && outcome.problem === 'no_election')) return null;
  if (!outcome.ok) {
    return {
      ok: false,
      title: t('cli.votes.failed', { count: outcome.errors.length }),
      errors: listed(outcome.errors.map((error) => describeRollCallError(error, t)), t),
    };
  }
  const { summary } = outcome;
  return {
    ok: true,
    title: t('cli.votes.summary', { rollCalls: summary.rollCalls, created: summary.rollCallsCreated, votes: summary.votes, links: summary.links }),
    unmatchedTitle: summary.unmatched.length > 0 ? t('cli.votes.unmatched', { count: summary.unmatched.length, rows: summary.unmatchedRows }) : null,
    unmatched: listed(summary.unmatched.map((miss) => t('cli.votes.unmatchedId', { id: miss.officialId, rows: miss.rows, line: miss.firstLine })), t),
  };
}

/** Lines listed one by one, as many as a page can usefully hold, then how many more there are. */
const LISTED = 100;
function listed(lines: string[], t: Translator): string[] {
  return lines.length > LISTED ? [...lines.slice(0, LISTED), t('cli.votes.more', { count: lines.length - LISTED })] : lines;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
