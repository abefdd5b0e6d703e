import { isCounted, MIN_COUNTED_PAIRS } from '../../domain/coherence.js';
import type { ElectionDetail } from '../../domain/election.js';
import { localize, type Locale } from '../../domain/locale.js';
import { scaleLabelKey } from '../../domain/scale.js';
import type { Translator } from '../../i18n.js';
import type { CandidateCoherence, CoherenceLink, CoherencePair, ElectedPage } from '../../services/coherence.js';
import { withQuery } from '../middleware/i18n.js';
import { paths } from '../paths.js';
import { statementPath } from './transparency.js';

/* View-models of promise coherence (SPEC §5.8): the candidate page's section, the elected page and its embed. */

interface Context {
  election: ElectionDetail;
  locale: Locale;
  t: Translator;
}

export const electedPath = (e: string) => `/e/${encodeURIComponent(e)}/elected`;
export const coherenceCsvPath = (e: string) => `/data/${encodeURIComponent(e)}-coherence.csv`;

/** The figure and the sentence behind it, or why there is no figure. */
export function coherenceSummary(c: Pick<CandidateCoherence, 'counted' | 'consistent' | 'percent'>, t: Translator) {
  return {
    percent: c.percent,
    figure: c.percent === null ? null : t('coherence.figure', { percent: c.percent }),
    counted: c.counted,
    consistent: c.consistent,
    text:
      c.percent !== null
        ? t('coherence.summary', { consistent: c.consistent, counted: c.counted })
        : c.counted === 0
          ? t('coherence.noneCounted', { min: MIN_COUNTED_PAIRS })
          : t('coherence.tooFew', { min: MIN_COUNTED_PAIRS, count: c.counted }),
  };
}

export function linkView(link: CoherenceLink, ctx: Context) {
  return {
    statementKey: link.statement.key,
    statementHref: statementPath(ctx.election.slug, link.statement.key),
    statementText: localize(link.statement.text, ctx.locale),
    rollCall: { key: link.rollCall.key, date: link.rollCall.date, chamber: link.rollCall.chamber, bill: link.rollCall.bill, title: link.rollCall.title },
    direction: link.direction,
    directionLabel: ctx.t(link.direction === 1 ? 'coherence.direction.agrees' : 'coherence.direction.disagrees'),
    explanation: link.explanation === '' ? null : link.explanation,
  };
}

export function pairView(pair: CoherencePair, ctx: Context) {
  const { t } = ctx;
  const answerLabel =
    pair.answer === null ? t('answer.notAnswered') : pair.answer.value === null ? t('answer.noAnswer') : t(scaleLabelKey(pair.answer.value, pair.statement.scale));
  return {
    ...linkView(pair, ctx),
    answerLabel,
    answerValue: pair.answer?.value ?? null,
    justification: pair.answer?.justification ?? null,
    hiddenReason: pair.answer?.hiddenReason ?? null,
    vote: pair.vote,
    voteLabel: t(`coherence.vote.${pair.vote ?? 'none'}`),
    outcome: pair.outcome,
    outcomeLabel: t(`coherence.outcome.${pair.outcome}`),
    counted: isCounted(pair.outcome),
  };
}

/** The section of an elected candidate's page: every pair, and the figure when three or more count. */
export function candidateCoherenceView(c: CandidateCoherence, ctx: Context) {
  return {
    summary: coherenceSummary(c, ctx.t),
    pairs: c.pairs.map((pair) => pairView(pair, ctx)),
    electedHref: electedPath(ctx.election.slug),
  };
}

export const ELECTED_SORT_OPTIONS = ['random', 'name', 'coherence', 'party'] as const;

export function electedView(page: ElectedPage, input: { locale: Locale; t: Translator; sort: string | undefined; seed: number }) {
  const { election } = page;
  const ctx = { election, locale: input.locale, t: input.t };
  const { t } = input;
  const path = electedPath(election.slug);
  const party = page.party?.slug ?? null;
  const races = new Map(election.races.map((r) => [r.id, `${localize(r.office, input.locale)} — ${localize(r.district, input.locale)}`]));
  return {
    title: `${t('elected.title')} · ${localize(election.name, input.locale)}`,
    election: { name: localize(election.name, input.locale), href: paths.election(election.slug) },
    filterAction: path,
    dataHref: coherenceCsvPath(election.slug),
    sort: input.sort ?? 'random',
    sorts: ELECTED_SORT_OPTIONS.map((value) => ({ value, label: t(`elected.sort.${value}`), selected: value === (input.sort ?? 'random') })),
    parties: election.parties.map((p) => ({ slug: p.slug, name: `${p.abbreviation} — ${p.name}`, selected: p.slug === party })),
    randomOrder: input.sort === undefined,
    orderHref: withQuery(path, { party, seed: String(input.seed) }),
    total: page.candidates.length,
    links: page.links.map((link) => linkView(link, ctx)),
    rows: page.rows.map((row) => {
      const p = election.parties.find((x) => x.id === row.candidate.partyId);
      return {
        href: paths.candidate(election.slug, row.candidate.key),
        coherenceHref: `${paths.candidate(election.slug, row.candidate.key)}#coherence-heading`,
        ballotName: row.candidate.ballotName,
        party: p ? { abbreviation: p.abbreviation, name: p.name } : null,
        race: races.get(row.candidate.raceId) ?? '',
        rank: row.rank,
        summary: coherenceSummary(row, t),
        pairs: row.pairs.map((pair) => pairView(pair, ctx)),
      };
    }),
  };
}
