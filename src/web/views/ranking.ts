import Handlebars from 'handlebars';
import type { Candidate, Party } from '../../domain/election.js';
import { roundHalfUp, type RankedCandidate } from '../../domain/matching.js';
import type { Locale } from '../../domain/locale.js';
import { translate, type Params } from '../../i18n.js';
import { keepingLang } from '../view-helpers.js';
import { Recent } from '../recent.js';
import { paths } from './public.js';

const escape = Handlebars.Utils.escapeExpression;

/** Where the rows go in the rendered page: a comment, which no escaped text can hold. */
const SLOT = '<!--ranking-->';

export interface RankingHtml {
  /** What the template prints where the rows go. */
  slot: Handlebars.SafeString;
  /** The rows' encoded parts, in order, and the slot they replace. */
  splice: { at: string; parts: Buffer[] };
}

/** What the rows' fixed parts are made of: nothing of the voter's, since they are kept. */
export interface RankingSource {
  /** Names the election's and the race's snapshots: kept parts are found by it. */
  key: string;
  electionSlug: string;
  candidates: readonly Candidate[];
  parties: readonly Party[];
  topics: ReadonlyArray<{ name: string; nameLang: string | null }>;
  locale: Locale;
  /** The page's explicit `?lang=`, kept in links. */
  langParam: string | null;
  /** Inside an embed, candidate pages open in a new tab. */
  embedded: boolean;
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
 * What does not depend on the voter (a candidate's link, party, number and
 * checkbox; a topic's score at each percent; a rank's label) is encoded to
 * UTF-8 once per race, language and place, and kept (`RowParts`); a page joins
 * the parts its rows need, and the whole is put in the page's slot after
 * rendering (`renderKept`).
 */
export function rankingHtml(
  rows: readonly RankedCandidate[],
  source: RankingSource,
  /** Whether more than one candidate holds a rank. */
  tied: (rank: number) => boolean,
): RankingHtml {
  const parts = rowParts(source);
  const pieces: Buffer[] = [];
  for (const row of rows) {
    pieces.push(parts.rank(row.rank, tied(row.rank)), parts.percent(row.percent), parts.head(row.candidate));
    const topics = row.topics;
    for (let i = 0; i < topics.length; i += 1) {
      const score = topics[i];
      pieces.push(parts.topic(i, score === null || score === undefined ? null : roundHalfUp(score)));
    }
    pieces.push(parts.tail(row.candidate));
  }
  return { slot: new Handlebars.SafeString(SLOT), splice: { at: SLOT, parts: pieces } };
}

/** Kept row parts, for this many races and variants. */
const kept = new Recent<RowParts>(32);

function rowParts(source: RankingSource): RowParts {
  const key = `${source.key}|${source.embedded ? 'embed' : 'site'}|${source.locale}|${source.langParam ?? ''}`;
  return kept.get(key, () => new RowParts(source));
}

/** The fixed parts of one race's rows in one language, each encoded when first needed. */
class RowParts {
  private readonly heads: Array<Buffer | undefined>;
  private readonly tails: Array<Buffer | undefined>;
  /** Per topic: the part at each percent 0–100, then the part without a score. */
  private readonly topics: Array<Array<Buffer | undefined>>;
  private readonly ranks = new Map<number, Buffer>();
  private readonly percents: Array<Buffer | undefined> = [];
  private readonly partyHtml = new Map<number, string>();

  constructor(private readonly source: RankingSource) {
    this.heads = new Array(source.candidates.length);
    this.tails = new Array(source.candidates.length);
    this.topics = source.topics.map(() => new Array(102));
    for (const party of source.parties) {
      this.partyHtml.set(party.id, `<abbr class="party" title="${escape(party.name)}">${escape(party.abbreviation)}</abbr>`);
    }
  }

  private t(key: string, params?: Params): string {
    return translate(this.source.locale, key, params);
  }

  rank(rank: number, tied: boolean): Buffer {
    const at = 2 * rank + (tied ? 1 : 0);
    let part = this.ranks.get(at);
    if (!part) {
      const tie = tied ? ` <span class="tie">${escape(this.t('results.tie'))}</span>` : '';
      part = Buffer.from(`<li class="match"><div class="match-head"><span class="rank">${escape(this.t('results.rank', { rank }))}${tie}</span> `);
      this.ranks.set(at, part);
    }
    return part;
  }

  percent(percent: number): Buffer {
    return (this.percents[percent] ??= Buffer.from(`<span class="percent">${percent}%</span> `));
  }

  head(row: number): Buffer {
    let part = this.heads[row];
    if (!part) {
      const candidate = this.source.candidates[row]!;
      const party = candidate.partyId === null ? undefined : this.partyHtml.get(candidate.partyId);
      const href = keepingLang(paths.candidate(this.source.electionSlug, candidate.key), this.source.langParam);
      const target = this.source.embedded ? ' target="_blank" rel="noopener"' : '';
      part = Buffer.from(
        `<a class="name" href="${escape(href)}"${target}>${escape(candidate.ballotName)}</a>` +
          (party ? ` ${party}` : '') +
          (candidate.ballotNumber ? ` <span class="number">${escape(candidate.ballotNumber)}</span>` : '') +
          `</div><dl class="topic-scores">`,
      );
      this.heads[row] = part;
    }
    return part;
  }

  tail(row: number): Buffer {
    let part = this.tails[row];
    if (!part) {
      const candidate = this.source.candidates[row]!;
      part = Buffer.from(
        `</dl><label class="pick"><input type="checkbox" name="c" value="${escape(candidate.key)}"> ${escape(this.t('results.pick'))}` +
          `<span class="visually-hidden"> ${escape(candidate.ballotName)}</span></label></li>\n`,
      );
      this.tails[row] = part;
    }
    return part;
  }

  /** A topic's name and score; `null` when the voter counted no statement of the topic. */
  topic(topic: number, percent: number | null): Buffer {
    const parts = this.topics[topic]!;
    const at = percent === null ? 101 : percent;
    let part = parts[at];
    if (!part) {
      const { name, nameLang } = this.source.topics[topic]!;
      const noScore = escape(this.t('results.noTopicScore'));
      const score =
        percent === null
          ? `<span title="${noScore}" aria-hidden="true">—</span><span class="visually-hidden">${noScore}</span>`
          : `<meter min="0" max="100" value="${percent}" aria-hidden="true"></meter> ${percent}%`;
      part = Buffer.from(`<div><dt${nameLang ? ` lang="${escape(nameLang)}"` : ''}>${escape(name)}</dt><dd>${score}</dd></div>`);
      parts[at] = part;
    }
    return part;
  }
}
