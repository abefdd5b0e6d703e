import Handlebars from 'handlebars';
import { fallbackLanguage, localize, type Locale } from '../domain/locale.js';
import { translate, type Params } from '../i18n.js';
import { keepingLang, paths } from '../web/paths.js';
import type { RaceSnapshot } from './snapshots.js';

const escape = Handlebars.Utils.escapeExpression;

/** The page a results row is written for: its language, its explicit `?lang=`, and whether it sits in an embed. */
export interface RowVariant {
  locale: Locale;
  /** The page's explicit `?lang=`, kept in links. */
  langParam: string | null;
  /** Inside an embed, candidate pages open in a new tab. */
  embedded: boolean;
}

/**
 * The pieces of a race's results rows that do not depend on the voter, as
 * UTF-8, each encoded when first needed and kept with the race snapshot (see
 * read-model.ts): a candidate's link, party and number (`head`), its compare
 * checkbox (`tail`), a topic's name with each score 0–100 (`topic`), a rank's
 * label, a percent. A results page joins the pieces its rows need
 * (web/views/ranking.ts): the rows of a large race are the heaviest part of
 * the page voters open most, and Handlebars' lookups and helper calls per
 * field cost far more than the matching itself.
 *
 * Every text is escaped as `{{…}}` would escape it, and numbers are printed as
 * numbers; the XSS suites (test/http/xss.test.ts, test/browser/xss.test.ts)
 * hold the results page to that with hostile names, parties and topics.
 */
export class RowParts {
  private readonly heads: Array<Buffer | undefined>;
  private readonly tails: Array<Buffer | undefined>;
  /** Per topic: the part at each percent 0–100, then the part without a score. */
  private readonly topics: Array<Array<Buffer | undefined>>;
  private readonly topicNames: Array<{ name: string; nameLang: string | null }>;
  private readonly ranks = new Map<number, Buffer>();
  private readonly percents: Array<Buffer | undefined> = [];
  private readonly partyHtml = new Map<number, string>();

  constructor(
    private readonly race: RaceSnapshot,
    private readonly variant: RowVariant,
  ) {
    const { detail } = race.election;
    this.heads = new Array(race.candidates.length);
    this.tails = new Array(race.candidates.length);
    this.topicNames = detail.topics.map((topic) => ({ name: localize(topic.name, variant.locale), nameLang: fallbackLanguage(topic.name, variant.locale) }));
    this.topics = detail.topics.map(() => new Array(102));
    for (const party of detail.parties) {
      this.partyHtml.set(party.id, `<abbr class="party" title="${escape(party.name)}">${escape(party.abbreviation)}</abbr>`);
    }
  }

  /** How many topics a row scores. */
  get topicCount(): number {
    return this.topics.length;
  }

  private t(key: string, params?: Params): string {
    return translate(this.variant.locale, key, params);
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
      const candidate = this.race.candidates[row]!;
      const party = candidate.partyId === null ? undefined : this.partyHtml.get(candidate.partyId);
      const href = keepingLang(paths.candidate(this.race.election.detail.slug, candidate.key), this.variant.langParam);
      const target = this.variant.embedded ? ' target="_blank" rel="noopener"' : '';
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
      const candidate = this.race.candidates[row]!;
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
      const { name, nameLang } = this.topicNames[topic]!;
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
