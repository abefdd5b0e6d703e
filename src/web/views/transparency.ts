import type { Candidate, ElectionDetail, Party } from '../../domain/election.js';
import { scaleColours, type DistributionRow } from '../../domain/distribution.js';
import { fallbackLanguage, localize, type Locale } from '../../domain/locale.js';
import { scaleLabelKey } from '../../domain/scale.js';
import { agreementIndex } from '../../domain/topic-matrix.js';
import type { Translator } from '../../i18n.js';
import type { RateRow, StatementPage } from '../../services/transparency.js';
import { withQuery } from '../middleware/i18n.js';
import { paths } from '../paths.js';
import { historyChangeView } from './public.js';

/* View-models of the statement, topic-matrix, transparency pages, their charts and embed snippets. */

export const statementPath = (e: string, s: string) => `/e/${encodeURIComponent(e)}/statements/${encodeURIComponent(s)}`;

function partyName(partyId: number | null, parties: readonly Party[], t: Translator) {
  const party = parties.find((p) => p.id === partyId);
  return party ? { abbreviation: party.abbreviation, name: party.name } : { abbreviation: t('party.none'), name: t('party.none') };
}

/** An accessible horizontal stacked bar chart, as plain numbers for an SVG template. */
export function distributionChart(
  rows: Array<DistributionRow<number | null>>,
  input: { id: string; scale: number; parties: readonly Party[]; title: string; t: Translator },
) {
  const { t } = input;
  const colours = scaleColours(input.scale);
  const labels = [
    ...Array.from({ length: input.scale }, (_, i) => t(scaleLabelKey(i + 1, input.scale))),
    t('answer.noAnswer'),
    t('answer.notAnswered'),
  ];
  const fills = [...colours, '#616161', '#eeeeee'];
  const rowHeight = 34;
  const barStart = 150;
  const barWidth = 440;
  const chartRows = rows.map((row, index) => {
    const counts = [...row.points, row.noAnswer, row.notAnswered];
    const name = partyName(row.key, input.parties, t);
    let x = barStart;
    const y = 8 + index * rowHeight;
    const segments = counts.flatMap((count, i) => {
      if (count === 0 || row.total === 0) return [];
      const width = (barWidth * count) / row.total;
      const segment = { x: x.toFixed(2), y, width: width.toFixed(2), fill: fills[i]!, tooltip: `${name.abbreviation}: ${labels[i]} ${count}` };
      x += width;
      return [segment];
    });
    return { label: name.abbreviation, name: name.name, textY: y + 19, segments, counts, total: row.total };
  });
  const description = chartRows
    .map((row) => `${row.name}: ${row.counts.map((count, i) => `${labels[i]} ${count}`).join(', ')}`)
    .join('; ');
  return {
    id: input.id,
    title: input.title,
    description,
    height: 16 + rows.length * rowHeight,
    rows: chartRows,
    legend: labels.map((label, i) => ({ label, fill: fills[i]! })),
    columns: labels,
  };
}

export function statementView(page: StatementPage, input: { locale: Locale; t: Translator; baseUrl: string; seed: number }) {
  const { election, statement } = page;
  const { locale, t } = input;
  const topic = election.topics.find((tp) => tp.id === statement.topicId);
  const path = statementPath(election.slug, statement.key);
  const filters = { race: page.race?.slug ?? null, party: election.parties.find((p) => p.id === page.partyId)?.slug ?? null };
  const answered = page.answers.filter((a) => a.answered);
  const embedPath = withQuery(`/embed${path}`, filters);
  return {
    title: `${statement.key} · ${localize(election.name, locale)}`,
    election: { name: localize(election.name, locale), href: paths.election(election.slug) },
    statement: {
      key: statement.key,
      text: localize(statement.text, locale),
      textLang: fallbackLanguage(statement.text, locale),
      context: statement.context === null ? null : localize(statement.context, locale),
      contextLang: fallbackLanguage(statement.context, locale),
      topic: topic ? localize(topic.name, locale) : '',
      topicLang: fallbackLanguage(topic?.name, locale),
    },
    filterAction: path,
    races: election.races.map((r) => ({ slug: r.slug, name: `${localize(r.office, locale)} — ${localize(r.district, locale)}`, selected: r.id === page.race?.id })),
    parties: election.parties.map((p) => ({ slug: p.slug, name: `${p.abbreviation} — ${p.name}`, selected: p.id === page.partyId })),
    summary: t('statement.summary', { answered: answered.length, total: page.answers.length }),
    chart: distributionChart(page.byParty, { id: 'by-party', scale: statement.scale, parties: election.parties, title: t('statement.chartTitle', { statement: statement.key }), t }),
    answers: page.answers.map((a) => ({
      href: paths.candidate(election.slug, a.key),
      ballotName: a.ballotName,
      ballotNumber: a.ballotNumber,
      party: a.partyId === null ? null : partyName(a.partyId, election.parties, t),
      answered: a.answered,
      label: !a.answered ? t('answer.notAnswered') : a.value === null ? t('answer.noAnswer') : t(scaleLabelKey(a.value, statement.scale)),
      justification: a.justification,
      hiddenReason: a.hiddenReason,
    })),
    embed: embedSnippet({ baseUrl: input.baseUrl, path: embedPath, title: t('embed.statementTitle', { statement: statement.key }), height: 640, t }),
    oembedHref: oembedHref(input.baseUrl, withQuery(path, filters)),
  };
}

export function topicMatrixView(
  input: { election: ElectionDetail; candidates: Candidate[]; means: Map<number, Array<number | null>>; locale: Locale; t: Translator; newTab?: boolean },
) {
  const { election, locale, t } = input;
  return {
    topics: election.topics.map((topic) => ({ name: localize(topic.name, locale), nameLang: fallbackLanguage(topic.name, locale) })),
    rows: input.candidates.map((candidate) => ({
      ballotName: candidate.ballotName,
      href: paths.candidate(election.slug, candidate.key),
      party: election.parties.find((p) => p.id === candidate.partyId)?.abbreviation ?? null,
      cells: (input.means.get(candidate.id) ?? election.topics.map(() => null)).map((mean) => {
        if (mean === null) return { text: '—', band: 'none', label: t('matrix.noAnswers') };
        const index = agreementIndex(mean);
        const band = index <= -60 ? 'd2' : index < -20 ? 'd1' : index <= 20 ? 'n' : index < 60 ? 'a1' : 'a2';
        return { text: index > 0 ? `+${index}` : String(index), band, label: t(`matrix.band.${band}`) };
      }),
    })),
    newTab: input.newTab ?? false,
  };
}

/** Copy-paste code to embed a widget: an iframe, and the optional script that fits its height. */
export function embedSnippet(input: { baseUrl: string; path: string; title: string; height: number; t: Translator }) {
  const src = `${input.baseUrl}${input.path}`;
  const escapedTitle = input.title.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c]!);
  return {
    src,
    code:
      `<iframe src="${src.replace(/&/g, '&amp;')}" title="${escapedTitle}" width="100%" height="${input.height}" loading="lazy" style="border:0;max-width:100%"></iframe>\n` +
      `<script async src="${input.baseUrl}/static/js/embed-host.js"></script>`,
  };
}

export function oembedHref(baseUrl: string, path: string): string {
  return `/oembed?${new URLSearchParams({ url: `${baseUrl}${path}`, format: 'json' }).toString()}`;
}

function rateRows(rows: RateRow[], label: (key: string | null) => string) {
  return rows
    .map((row) => ({
      label: label(row.key),
      total: row.total,
      invited: row.invited,
      registered: row.registered,
      published: row.published,
      percent: row.total === 0 ? 0 : Math.floor((100 * row.published) / row.total + 0.5),
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

export function transparencyView(
  page: NonNullable<Awaited<ReturnType<typeof import('../../services/transparency.js').transparencyPage>>>,
  input: { locale: Locale; t: Translator; notAnsweredPage: number; changesPage: number; pageSize: number },
) {
  const { election, notPublished, changes } = page;
  const { locale, t } = input;
  const raceName = (id: string | null) => {
    const race = election.races.find((r) => String(r.id) === id);
    return race ? `${localize(race.office, locale)} — ${localize(race.district, locale)}` : '';
  };
  const party = (id: string | null) => election.parties.find((p) => String(p.id) === id);
  const declared = (value: string | null) => value ?? t('transparency.notDeclared');
  const statements = new Map(election.statements.map((s) => [s.id, s]));
  const path = `/e/${encodeURIComponent(election.slug)}/transparency`;
  const pager = (total: number, current: number, param: string) => {
    const pages = Math.max(1, Math.ceil(total / input.pageSize));
    return {
      current,
      pages,
      previous: current > 1 ? withQuery(`${path}?np=${input.notAnsweredPage}&cp=${input.changesPage}`, { [param]: String(current - 1) }) : null,
      next: current < pages ? withQuery(`${path}?np=${input.notAnsweredPage}&cp=${input.changesPage}`, { [param]: String(current + 1) }) : null,
    };
  };
  return {
    title: `${t('transparency.title')} · ${localize(election.name, locale)}`,
    election: { name: localize(election.name, locale), href: paths.election(election.slug) },
    tables: [
      { id: 'by-race', caption: t('transparency.byRace'), rows: rateRows(page.byRace, raceName) },
      { id: 'by-party', caption: t('transparency.byParty'), rows: rateRows(page.byParty, (id) => party(id)?.abbreviation ?? t('party.none')) },
      { id: 'by-gender', caption: t('transparency.byGender'), rows: rateRows(page.byGender, declared) },
      { id: 'by-race-color', caption: t('transparency.byRaceColor'), rows: rateRows(page.byRaceColor, declared) },
    ].filter((table) => table.rows.length > 0),
    notPublished: {
      total: notPublished.total,
      rows: notPublished.rows.map((r) => ({
        href: paths.candidate(election.slug, r.key),
        ballotName: r.ballotName,
        race: raceName(String(r.raceId)),
        party: party(r.partyId === null ? null : String(r.partyId))?.abbreviation ?? null,
        status: t(`status.${r.status}`),
      })),
      pager: pager(notPublished.total, input.notAnsweredPage, 'np'),
    },
    moderation: page.moderation.map((m) => ({
      at: m.at,
      href: paths.candidate(election.slug, m.candidateKey),
      candidate: m.candidateName,
      statementHref: statementPath(election.slug, m.statementKey),
      statementKey: m.statementKey,
      label: t(`transparency.moderation.${m.action}`),
      reason: m.reason,
    })),
    changes: {
      total: changes.total,
      rows: changes.rows.map((c) => ({
        changedAt: c.changedAt,
        href: paths.candidate(election.slug, c.candidateKey),
        candidate: c.candidateName,
        statementHref: statementPath(election.slug, c.statementKey),
        statementKey: c.statementKey,
        ...historyChangeView(c, statements.get(c.statementId), t),
        byOrganizer: c.actor === 'organizer',
        byImport: c.actor === 'import',
        hash: c.hash.slice(0, 12),
      })),
      pager: pager(changes.total, input.changesPage, 'cp'),
    },
  };
}
