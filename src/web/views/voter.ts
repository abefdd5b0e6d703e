import { agreementMark } from '../../domain/comparison.js';
import { filterable, isFiltering, matchesFilter, type CandidateFilter } from '../../domain/candidate-filter.js';
import type { Answer, Candidate, Party } from '../../domain/election.js';
import { fallbackLanguage, localize, type Locale } from '../../domain/locale.js';
import type { Method, MissingPolicy, VoterAnswers } from '../../domain/matching.js';
import { scaleLabelKey, scalePoints } from '../../domain/scale.js';
import type { Translator } from '../../i18n.js';
import type { ElectionSnapshot } from '../../read-model/snapshots.js';
import type { RowParts } from '../../read-model/row-parts.js';
import { encodeResultStrings, type MatchResult, type VoterInputError } from '../../services/matching.js';
import { keepingLang, paths } from '../paths.js';
import { rankingHtml } from './ranking.js';

/* View-models of the voter's pages: plain, localized data for the templates. */

/** Pages of the voter's journey; `prefix` is `/embed` inside an embedded quiz. */
export const electionPaths = {
  quiz: (e: string, prefix = '') => `${prefix}/e/${encodeURIComponent(e)}/quiz`,
  results: (e: string, prefix = '') => `${prefix}/e/${encodeURIComponent(e)}/results`,
  compare: (e: string) => `/e/${encodeURIComponent(e)}/compare`,
};

function raceLabel(race: { office: Parameters<typeof localize>[0]; district: Parameters<typeof localize>[0] }, locale: Locale) {
  return `${localize(race.office, locale)} — ${localize(race.district, locale)}`;
}

function partyOf(partyId: number | null, parties: readonly Party[]) {
  const party = parties.find((p) => p.id === partyId);
  return party ? { abbreviation: party.abbreviation, name: party.name } : null;
}

function errorMessage(error: VoterInputError, t: Translator): string {
  return t(`voter.error.${error.code}`, error.params);
}

export function quizView(
  election: ElectionSnapshot,
  input: {
    locale: Locale;
    t: Translator;
    race: string | undefined;
    voter: VoterAnswers | null;
    errors: VoterInputError[];
    tooFew?: { counted: number; required: number } | undefined;
    prefix?: string;
  },
) {
  const { detail } = election;
  const { locale, t } = input;
  const districts = new Map<string, Array<{ slug: string; office: string; selected: boolean }>>();
  for (const race of detail.races) {
    const district = localize(race.district, locale);
    const list = districts.get(district) ?? [];
    list.push({ slug: race.slug, office: localize(race.office, locale), selected: race.slug === input.race });
    districts.set(district, list);
  }
  const errors = input.errors.map((error) => ({
    message: errorMessage(error, t),
    href: error.field === 'race' ? '#race' : `#statement-${String(error.params.statement ?? detail.statements[0]?.key ?? '')}`,
  }));
  const raceError = input.errors.find((error) => error.field === 'race');
  if (input.tooFew) {
    errors.push({ message: t('voter.error.too_few', input.tooFew), href: `#statement-${detail.statements[0]?.key ?? ''}` });
  }
  let number = 0;
  return {
    title: `${t('quiz.title')} · ${localize(detail.name, locale)}`,
    election: { name: localize(detail.name, locale), href: paths.election(detail.slug) },
    action: electionPaths.results(detail.slug, input.prefix),
    embedded: input.prefix === '/embed',
    errors,
    /** The race field's own message, tied to the field (aria-describedby) as well as listed above the form. */
    raceError: raceError ? errorMessage(raceError, t) : null,
    singleRace: detail.races.length === 1 ? detail.races[0]!.slug : null,
    districts: [...districts].map(([name, races]) => ({ name, races })),
    minAnswers: detail.minAnswers,
    total: detail.statements.length,
    topics: detail.topics.map((topic, topicIndex) => ({
      name: localize(topic.name, locale),
      nameLang: fallbackLanguage(topic.name, locale),
      id: `topic-${topicIndex + 1}`,
      statements: detail.statements.flatMap((statement, s) => {
        if (statement.topicId !== topic.id) return [];
        number += 1;
        const value = input.voter?.values[s] ?? 0;
        const weight = input.voter?.weights[s] ?? 1;
        return [
          {
            key: statement.key,
            number,
            text: localize(statement.text, locale),
            textLang: fallbackLanguage(statement.text, locale),
            context: statement.context === null ? null : localize(statement.context, locale),
            contextLang: fallbackLanguage(statement.context, locale),
            points: scalePoints(statement.scale).map((point) => ({
              value: point.value,
              label: t(point.labelKey),
              checked: point.value === value,
            })),
            skipped: value === 0,
            mattersMore: weight === 2,
            ignored: weight === 0,
          },
        ];
      }),
    })),
  };
}

/** How many candidates a results page lists before "show all". */
export const RESULTS_SHOWN = 100;

/** Whether the candidate at `row` of the race answered any statement. */
function answeredAnyStatement({ election, race }: Extract<MatchResult, { kind: 'matched' }>, row: number): boolean {
  const count = election.detail.statements.length;
  return race.matrix.values.subarray(row * count, (row + 1) * count).some((v) => v > 0);
}

export function resultsView(
  result: Extract<MatchResult, { kind: 'matched' }>,
  input: {
    locale: Locale;
    t: Translator;
    method: Method;
    missing: MissingPolicy;
    shareUrl: string;
    prefix?: string;
    /** The page's explicit `?lang=`, kept in the ranking's links. */
    langParam?: unknown;
    filter?: CandidateFilter;
    /** Every candidate rather than the first RESULTS_SHOWN, and where the full list is. */
    showAll?: boolean;
    showAllHref?: string;
    /** The race's row parts for this page (read-model/row-parts.ts). */
    rowParts: RowParts;
  },
) {
  const { election, race, voter, outcome } = result;
  // Filters hide candidates from the lists; ranks and scores stay those of the whole race.
  const filter = input.filter ?? {};
  const filtering = isFiltering(filter);
  const shown = (row: number, answered: boolean) =>
    matchesFilter(filterable(race.candidates[row]!, { parties: result.election.detail.parties, answered }), filter);
  if (!outcome.ok) throw new Error('results need a successful match');
  const { detail } = election;
  const { locale, t } = input;
  const topics = detail.topics.map((topic) => ({ name: localize(topic.name, locale), nameLang: fallbackLanguage(topic.name, locale) }));
  const { a, w } = encodeResultStrings(voter);
  const langParam = typeof input.langParam === 'string' ? input.langParam : null;
  // Results are in rank order and a tie's first place is its rank: the place after it holds the same rank.
  const tied = (rank: number) => outcome.results[rank]?.rank === rank;
  const answeredAny = (row: number) => answeredAnyStatement(result, row);
  const candidateLink = (c: Candidate) => ({
    key: c.key,
    ballotName: c.ballotName,
    ballotNumber: c.ballotNumber,
    party: partyOf(c.partyId, detail.parties),
    href: paths.candidate(detail.slug, c.key),
  });
  // A large race (a city council can have a thousand candidates) lists the first hundred; one link shows all.
  const rankedShown = filtering ? outcome.results.filter((r) => shown(r.candidate, true)) : outcome.results;
  const unrankedShown = filtering ? outcome.unranked.filter((row) => shown(row, answeredAny(row))) : outcome.unranked;
  const rankedPage = input.showAll ? rankedShown : rankedShown.slice(0, RESULTS_SHOWN);
  const unrankedPage = input.showAll ? unrankedShown : unrankedShown.slice(0, Math.max(0, RESULTS_SHOWN - rankedPage.length));
  return {
    title: `${t('results.title')} · ${raceLabel(race.race, locale)}`,
    election: { name: localize(detail.name, locale), href: paths.election(detail.slug) },
    race: { name: raceLabel(race.race, locale), slug: race.race.slug },
    counted: t('results.counted', { count: outcome.counted }),
    methodLabel: t(`method.${input.method}`),
    missingLabel: t(`missing.${input.missing}`),
    methods: (['cityblock', 'euclidean', 'agreement'] as const).map((m) => ({ value: m, label: t(`method.${m}`), selected: m === input.method })),
    policies: (['penalty', 'neutral'] as const).map((m) => ({ value: m, label: t(`missing.${m}`), selected: m === input.missing })),
    topics,
    hiddenByFilters: outcome.results.length - rankedShown.length + outcome.unranked.length - unrankedShown.length,
    moreCount: rankedShown.length - rankedPage.length + unrankedShown.length - unrankedPage.length,
    showAllHref: input.showAllHref === undefined ? null : keepingLang(input.showAllHref, langParam),
    rankedCount: rankedPage.length,
    ranking: rankingHtml(rankedPage, input.rowParts, tied),
    unranked: unrankedPage.map((row) => ({
      ...candidateLink(race.candidates[row]!),
      reason: answeredAny(row) ? t('results.unrankedNoneOfYours') : t('results.unrankedNoAnswers'),
    })),
    hidden: { race: race.race.slug, a, w },
    embedded: input.prefix === '/embed',
    action: electionPaths.results(detail.slug, input.prefix),
    compareAction: electionPaths.compare(detail.slug),
    cardAction: `${paths.election(detail.slug)}/card`,
    editHref: keepingLang(`${electionPaths.quiz(detail.slug, input.prefix)}?race=${encodeURIComponent(race.race.slug)}&a=${encodeURIComponent(a)}${w ? `&w=${w}` : ''}`, langParam),
    shareUrl: input.shareUrl,
  };
}

export function compareView(
  election: ElectionSnapshot,
  input: {
    locale: Locale;
    t: Translator;
    candidates: Array<{ candidate: Candidate; answers: Answer[] }>;
    voter: VoterAnswers | null;
    backToResults: string | null;
  },
) {
  const { detail } = election;
  const { locale, t } = input;
  const answerMaps = input.candidates.map(({ answers }) => new Map(answers.map((a) => [a.statementId, a])));
  return {
    title: `${t('compare.title')} · ${localize(detail.name, locale)}`,
    election: { name: localize(detail.name, locale), href: paths.election(detail.slug) },
    hasVoter: input.voter !== null,
    backToResults: input.backToResults,
    candidates: input.candidates.map(({ candidate }) => ({
      ballotName: candidate.ballotName,
      party: partyOf(candidate.partyId, detail.parties),
      href: paths.candidate(detail.slug, candidate.key),
      published: candidate.status === 'published',
    })),
    columnCount: input.candidates.length + (input.voter ? 2 : 1),
    topics: detail.topics.map((topic) => ({
      name: localize(topic.name, locale),
      nameLang: fallbackLanguage(topic.name, locale),
      statements: detail.statements.flatMap((statement, s) => {
        if (statement.topicId !== topic.id) return [];
        const voterValue = input.voter ? input.voter.values[s]! || null : null;
        return [
          {
            text: localize(statement.text, locale),
            textLang: fallbackLanguage(statement.text, locale),
            voter: voterValue === null ? null : t(scaleLabelKey(voterValue, statement.scale)),
            cells: answerMaps.map((answers) => {
              const answer = answers.get(statement.id);
              const value = answer?.value ?? null;
              const mark = input.voter ? agreementMark({ voter: voterValue, candidate: value, scale: statement.scale }) : null;
              return {
                label: answer === undefined ? t('answer.notAnswered') : value === null ? t('answer.noAnswer') : t(scaleLabelKey(value, statement.scale)),
                justification: answer?.justification ?? null,
                hiddenReason: answer?.hiddenReason ?? null,
                mark,
                markLabel: mark === null ? null : t(`compare.mark.${mark}`),
              };
            }),
          },
        ];
      }),
    })),
  };
}

/** The ballot-number card: one line per office, in the election's race order, with what the voter picked. */
export function cardView(
  election: ElectionSnapshot['detail'],
  input: { candidates: Candidate[]; keys: string[]; locale: Locale; t: Translator },
) {
  const { t, locale } = input;
  const byRace = election.races
    .map((race) => ({ race, picked: input.candidates.filter((c) => c.raceId === race.id) }))
    .filter((entry) => entry.picked.length > 0);
  const without = (key: string) => {
    const rest = input.keys.filter((k) => k !== key);
    return rest.length > 0 ? `${paths.election(election.slug)}/card?c=${rest.map(encodeURIComponent).join(',')}` : `${paths.election(election.slug)}/card`;
  };
  return {
    title: t('card.title'),
    election: { name: localize(election.name, locale), href: paths.election(election.slug) },
    date: election.date,
    empty: byRace.length === 0,
    unknown: input.keys.length - input.candidates.length,
    offices: byRace.map(({ race, picked }) => ({
      office: localize(race.office, locale),
      district: localize(race.district, locale),
      several: picked.length > 1,
      picks: picked.map((c) => ({
        ballotNumber: c.ballotNumber,
        ballotName: c.ballotName,
        party: partyOf(c.partyId, election.parties),
        removeHref: without(c.key),
      })),
    })),
  };
}
