import type { Candidate, ElectionDetail, HistoryEntry, HistorySide, Party, Race, RecordedText, Statement } from '../../domain/election.js';
import { fallbackLanguage, localize, type Locale } from '../../domain/locale.js';
import type { ResponseRate } from '../../domain/response-rate.js';
import { scaleLabelKey } from '../../domain/scale.js';
import type { Translator } from '../../i18n.js';
import type { CandidatePage, ElectionOverview, RacePage } from '../../services/public-pages.js';
import { raceColorMessageKey, type Election } from '../../domain/election.js';
import { paths } from '../paths.js';

/* View-models: domain data → plain template data, localized, with links. Templates only print. */


function rateView(rate: ResponseRate, t: Translator) {
  return {
    ...rate,
    label:
      rate.percent === null
        ? t('rate.noCandidates')
        : t('rate.summary', { published: rate.published, total: rate.total, percent: rate.percent }),
  };
}

function raceName(race: Race, locale: Locale): string {
  return `${localize(race.office, locale)} — ${localize(race.district, locale)}`;
}

export function electionsView(items: Array<{ election: Election; rate: ResponseRate }>, locale: Locale, t: Translator) {
  return {
    title: t('home.title'),
    elections: items.map(({ election, rate }) => ({
      name: localize(election.name, locale),
      date: election.date,
      href: paths.election(election.slug),
      rate: rateView(rate, t),
    })),
  };
}

export function electionView(overview: ElectionOverview, locale: Locale, t: Translator) {
  const { election } = overview;
  return {
    title: localize(election.name, locale),
    election: electionHeader(election, locale),
    rate: rateView(overview.rate, t),
    quizHref: `${paths.election(election.slug)}/quiz`,
    transparencyHref: `${paths.election(election.slug)}/transparency`,
    electedHref: overview.elected > 0 ? `${paths.election(election.slug)}/elected` : null,
    topics: election.topics.map((topic) => ({
      name: localize(topic.name, locale),
      nameLang: fallbackLanguage(topic.name, locale),
      statements: election.statements
        .filter((s) => s.topicId === topic.id)
        .map((s) => ({ key: s.key, text: localize(s.text, locale), textLang: fallbackLanguage(s.text, locale) })),
    })),
    races: overview.races.map(({ race, rate }) => ({
      name: raceName(race, locale),
      href: paths.race(election.slug, race.slug),
      rate: rateView(rate, t),
    })),
  };
}

function electionHeader(election: ElectionDetail, locale: Locale) {
  return {
    name: localize(election.name, locale),
    date: election.date,
    href: paths.election(election.slug),
    questionnaireOpen: election.questionnaireOpen,
  };
}

function partyLabel(partyId: number | null, parties: readonly Party[]) {
  const party = parties.find((p) => p.id === partyId);
  return party ? { abbreviation: party.abbreviation, name: party.name } : null;
}

export function raceView(page: RacePage, input: { locale: Locale; t: Translator; seed: number }) {
  const { election, race, t } = { ...page, t: input.t };
  const total = election.statements.length;
  return {
    title: `${raceName(race, input.locale)} · ${localize(election.name, input.locale)}`,
    election: electionHeader(election, input.locale),
    race: { name: raceName(race, input.locale), office: localize(race.office, input.locale) },
    rate: rateView(page.rate, t),
    orderHref: `${paths.race(election.slug, race.slug)}?seed=${input.seed}`,
    candidates: page.candidates.map((c) => ({
      href: paths.candidate(election.slug, c.key),
      ballotName: c.ballotName,
      name: c.name,
      ballotNumber: c.ballotNumber,
      party: partyLabel(c.partyId, election.parties),
      verified: c.verified,
      answered: c.status === 'published',
      answeredLabel:
        c.status === 'published' ? t('candidate.answeredCount', { answered: c.answered, total }) : t('candidate.notAnswered'),
    })),
  };
}

export function candidateView(page: CandidatePage, locale: Locale, t: Translator) {
  const { election, candidate, race } = page;
  const answers = new Map(page.answers.map((a) => [a.statementId, a]));
  const statements = new Map(election.statements.map((s) => [s.id, s]));
  const valueLabel = (value: number | null, statementId: number) => {
    const statement = statements.get(statementId);
    return value === null || !statement ? t('answer.noAnswer') : t(scaleLabelKey(value, statement.scale));
  };
  return {
    title: `${candidate.ballotName} · ${localize(election.name, locale)}`,
    election: electionHeader(election, locale),
    race: { name: raceName(race, locale), href: paths.race(election.slug, race.slug) },
    candidate: candidateHeader(candidate, election, t),
    cardHref: candidate.ballotNumber ? `${paths.election(election.slug)}/card?c=${encodeURIComponent(candidate.key)}` : null,
    published: candidate.status === 'published',
    topics: election.topics.map((topic) => ({
      name: localize(topic.name, locale),
      nameLang: fallbackLanguage(topic.name, locale),
      statements: election.statements
        .filter((s) => s.topicId === topic.id)
        .map((s) => {
          const answer = answers.get(s.id);
          return {
            key: s.key,
            href: `${paths.election(election.slug)}/statements/${encodeURIComponent(s.key)}`,
            text: localize(s.text, locale),
            textLang: fallbackLanguage(s.text, locale),
            answered: answer !== undefined,
            value: answer?.value ?? null,
            valueLabel: answer ? valueLabel(answer.value, s.id) : t('answer.notAnswered'),
            justification: answer?.justification ?? null,
            hiddenReason: answer?.hiddenReason ?? null,
          };
        }),
    })),
    history: page.history.map((h) => ({
      changedAt: h.changedAt,
      statementKey: statements.get(h.statementId)?.key ?? '',
      statementText: localize(statements.get(h.statementId)?.text, locale),
      statementTextLang: fallbackLanguage(statements.get(h.statementId)?.text, locale),
      ...historyChangeView(h, statements.get(h.statementId), t),
      hash: h.hash.slice(0, 12),
      byOrganizer: h.actor === 'organizer',
      byImport: h.actor === 'import',
    })),
  };
}

/**
 * A change of the history as pages show it: the answer before and after
 * ("did not answer" when there was none, "chose not to answer" for an answer
 * without a value) and both justifications, the organizers' public reason
 * in place of words hidden or removed.
 */
export function historyChangeView(entry: Pick<HistoryEntry, 'old' | 'new'>, statement: Statement | undefined, t: Translator) {
  const label = (side: HistorySide) =>
    !side.answered ? t('answer.notAnswered') : side.value === null || !statement ? t('answer.noAnswer') : t(scaleLabelKey(side.value, statement.scale));
  const text = (label: string, justification: RecordedText | null) => ({
    label,
    text: justification?.text ?? null,
    withheld: justification?.withheld ? t(justification.withheld === 'redacted' ? 'answer.redacted' : 'answer.hidden', { reason: justification.reason ?? '' }) : null,
    none: justification === null,
  });
  const before = entry.old.justification;
  const after = entry.new.justification;
  const texts =
    before === null && after === null
      ? []
      : before?.sha256 === after?.sha256
        ? [text(t('history.justificationSame'), after)]
        : [text(t('history.justificationBefore'), before), text(t('history.justificationAfter'), after)];
  return { change: t('history.change', { from: label(entry.old), to: label(entry.new) }), texts };
}

function candidateHeader(candidate: Candidate, election: ElectionDetail, t: Translator) {
  const p = candidate.profile;
  const court = (value: string, source: 'self' | 'court' | null) => (source === 'court' ? `${value} ${t('profile.courtMark')}` : value);
  const facts = [
    p.gender ? { label: t('profile.gender'), value: court(p.gender, p.genderSource) } : null,
    p.raceColor ? { label: t('profile.raceColor'), value: court(raceColorLabel(p.raceColor, t), p.raceColorSource) } : null,
    p.lgbt ? { label: t('profile.lgbt'), value: t('common.yes') } : null,
    p.collective ? { label: t('profile.collective'), value: t('common.yes') } : null,
  ].filter((fact) => fact !== null);
  return {
    name: candidate.name,
    ballotName: candidate.ballotName,
    ballotNumber: candidate.ballotNumber,
    officialId: candidate.officialId,
    party: partyLabel(candidate.partyId, election.parties),
    verified: candidate.verified,
    elected: candidate.elected,
    statusLabel: t(`status.${candidate.status}`),
    publishedAt: candidate.publishedAt,
    bio: p.bio,
    links: p.links.filter((link) => /^https?:\/\//i.test(link)),
    photoUrl: p.photoUrl && /^https:\/\//i.test(p.photoUrl) ? p.photoUrl : null,
    facts,
  };
}

/** The IBGE race/colour categories, as stored. */

/** The IBGE race/colour categories in the page's language; other self-descriptions as written. */
export function raceColorLabel(value: string, t: Translator): string {
  const key = raceColorMessageKey(value);
  return key === null ? value : t(key);
}
