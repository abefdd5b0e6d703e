import Handlebars from 'handlebars';
import type { Candidate, Party } from '../../domain/election.js';
import { roundHalfUp, type RankedCandidate } from '../../domain/matching.js';
import type { Translator } from '../../i18n.js';
import { keepingLang } from '../view-helpers.js';

const escape = Handlebars.Utils.escapeExpression;

/** Where the rows go in the rendered page: a comment, which no escaped text can hold. */
const SLOT = '<!--ranking-->';

export interface RankingHtml {
  /** What the template prints where the rows go. */
  slot: Handlebars.SafeString;
  /** The rows, encoded, and the slot they replace. */
  splice: { at: string; body: Buffer };
}

/**
 * The ranked list of a results page (the `<li>`s of `ol.ranking`), written
 * here rather than in the template: a hundred candidates with a score per
 * topic is the heaviest page voters open, and Handlebars' lookups and helper
 * calls per field made it several times slower than the matching itself.
 *
 * Every text is escaped as `{{…}}` would escape it, and numbers are printed as
 * numbers; the XSS suites (test/http/xss.test.ts, test/browser/xss.test.ts)
 * hold the results page to that with hostile names, parties and topics.
 *
 * The rows are encoded to UTF-8 on their own and put in the page's slot after
 * rendering (`renderPrivate`): mostly Latin-1, they encode several times
 * faster than inside the whole page, which other text makes two-byte.
 */
export function rankingHtml(
  rows: readonly RankedCandidate[],
  input: {
    candidates: readonly Candidate[];
    parties: readonly Party[];
    topics: ReadonlyArray<{ name: string; nameLang: string | null }>;
    href: (candidate: Candidate) => string;
    t: Translator;
    /** The page's explicit `?lang=`, kept in links. */
    langParam: unknown;
    /** Inside an embed, candidate pages open in a new tab. */
    embedded: boolean;
    /** Whether more than one candidate holds a rank. */
    tied: (rank: number) => boolean;
  },
): RankingHtml {
  const { t } = input;
  const tie = ` <span class="tie">${escape(t('results.tie'))}</span>`;
  const noScore = escape(t('results.noTopicScore'));
  const noTopicScore = `<span title="${noScore}" aria-hidden="true">—</span><span class="visually-hidden">${noScore}</span>`;
  const pick = escape(t('results.pick'));
  const target = input.embedded ? ' target="_blank" rel="noopener"' : '';
  const topicHeads = input.topics.map((topic) => `<div><dt${topic.nameLang ? ` lang="${escape(topic.nameLang)}"` : ''}>${escape(topic.name)}</dt><dd>`);
  const partyHtml = new Map<number, string>();
  for (const party of input.parties) {
    partyHtml.set(party.id, `<abbr class="party" title="${escape(party.name)}">${escape(party.abbreviation)}</abbr>`);
  }

  // Ties share a rank: its label is made once.
  const rankLabels = new Map<number, string>();
  const rankLabel = (rank: number) => {
    let label = rankLabels.get(rank);
    if (label === undefined) {
      label = escape(t('results.rank', { rank })) + (input.tied(rank) ? tie : '');
      rankLabels.set(rank, label);
    }
    return label;
  };
  let html = '';
  for (const row of rows) {
    const candidate = input.candidates[row.candidate]!;
    const party = candidate.partyId === null ? undefined : partyHtml.get(candidate.partyId);
    const name = escape(candidate.ballotName);
    let topics = '';
    for (let i = 0; i < row.topics.length; i += 1) {
      const score = row.topics[i];
      const percent = score === null || score === undefined ? null : roundHalfUp(score);
      topics += `${topicHeads[i]}${percent === null ? noTopicScore : `<meter min="0" max="100" value="${percent}" aria-hidden="true"></meter> ${percent}%`}</dd></div>`;
    }
    html +=
      `<li class="match"><div class="match-head">` +
      `<span class="rank">${rankLabel(row.rank)}</span> ` +
      `<span class="percent">${row.percent}%</span> ` +
      `<a class="name" href="${escape(keepingLang(input.href(candidate), input.langParam))}"${target}>${name}</a>` +
      (party ? ` ${party}` : '') +
      (candidate.ballotNumber ? ` <span class="number">${escape(candidate.ballotNumber)}</span>` : '') +
      `</div><dl class="topic-scores">${topics}</dl>` +
      `<label class="pick"><input type="checkbox" name="c" value="${escape(candidate.key)}"> ${pick}<span class="visually-hidden"> ${name}</span></label></li>\n`;
  }
  return { slot: new Handlebars.SafeString(SLOT), splice: { at: SLOT, body: Buffer.from(html) } };
}
