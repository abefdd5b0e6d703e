import { LRUCache } from 'lru-cache';
import { writesRun, type Db } from '../db/client.js';
import { findElectionDetail, findElectionVersion, findRaceVersion } from '../db/repositories/elections.js';
import { loadRaceAnswers } from '../db/repositories/race-answers.js';
import type { Race } from '../domain/election.js';
import type { Locale } from '../domain/locale.js';
import { answerPairs, type MatchQuestionnaire } from '../domain/matching.js';
import { KeptResponse } from './kept-response.js';
import { filterOptions, type FilterOptions } from './filter-options.js';
import { MatchParts } from './match-parts.js';
import { RowParts, type RowVariant } from './row-parts.js';
import type { ElectionSnapshot, RaceSnapshot } from './snapshots.js';

/*
 * What each process keeps, and how it learns of changes
 * =====================================================
 *
 * Every app process keeps, in this one object (created by `createApp`, passed
 * to routes and services as `readModel`):
 *
 * 1. **Election snapshots**: an election's topics, statements, races and
 *    parties (`ElectionDetail`) with the questionnaire packed for matching.
 *    Stamped with the election's **data version** (`elections.data_version`),
 *    which every change to what all its races share raises (questionnaire,
 *    races, parties, candidates, imports). The election's **answers version**
 *    (`elections.answers_version`) moves with any of its races' (below):
 *    `versions()` gives both, for what covers the whole election.
 * 2. **Race snapshots**, loaded when a race is first asked for: its candidates
 *    and their published answers packed in a matrix (with the answers in pairs,
 *    which matching reads), and the self-declared values its filter menus
 *    offer. Stamped with the race's **answers version**
 *    (`races.answers_version`), which a publication, a profile change or a
 *    moderation in that race raises. A race snapshot belongs to one election
 *    snapshot: a new election snapshot starts with no races.
 * 3. **What is derived from a race snapshot**, kept for the most recently used
 *    races, under the snapshot's serial, and dropped when a new version
 *    replaces the snapshot:
 *    - row parts: the encoded pieces of a results page's rows that do not
 *      depend on the voter, per language and page variant (`RowParts`);
 *    - JSON openings: the match API's per-candidate and per-topic parts
 *      (`MatchParts`);
 *    - filter menus: the parties and self-declared values a results page's
 *      filters offer, labelled per language (`FilterOptions`);
 *    - kept widgets: a statement widget as sent, for its minute (`KeptResponse`).
 *
 * Nothing of a voter's is kept: what is derived is the same for every voter.
 *
 * How a process learns of changes: each request that reads an election or a
 * race compares the versions it holds with the database's, and loads a new
 * snapshot when one moved. A version read is trusted without asking again
 * until this process runs a write (`writesRun`, so its own changes show at
 * once) or `recheckMs` (CACHE_RECHECK_MS, 1 s) has passed (so another
 * process's changes show within that time); 0 reads it on every request.
 * Requests that see the same new version share one load.
 */

/** What the public pages read through: the database, and elections from the read model over it. */
export interface PageSource {
  db: Db;
  readModel: ReadModel;
}

/** A version read from the database, and when: the count of this process's writes and the time. */
interface Checked<T> {
  value: T;
  writes: number;
  at: number;
}

interface Entry {
  snapshot: ElectionSnapshot;
  racesBySlug: ReadonlyMap<string, Race>;
  /** Per race: the answers version being served (or loaded), shared by concurrent requests. */
  races: Map<number, { version: number; serial: number; snapshot: Promise<RaceSnapshot> }>;
}

/** How many races' row parts and JSON openings are kept: a busy race reuses them, a quiet one must not hold memory. */
const RACES_KEPT = 32;
/** Bytes of kept widgets. */
const WIDGET_BYTES = 32 * 1024 * 1024;

export class ReadModel {
  /** Per election: the version being served (or loaded) and its entry, shared by concurrent requests. */
  private readonly entries = new Map<string, { version: number; id: number; entry: Promise<Entry | null> }>();
  /** What is derived from race snapshots, each under a key that starts with the snapshot's serial. */
  private readonly electionVersions = new Map<string, Checked<{ id: number; version: number; answersVersion: number } | null>>();
  private readonly raceVersions = new Map<number, Checked<number | null>>();
  private readonly rows = new LRUCache<string, RowParts>({ max: RACES_KEPT * 4 });
  private readonly matchParts = new LRUCache<string, MatchParts>({ max: RACES_KEPT });
  private readonly filters = new LRUCache<string, FilterOptions>({ max: RACES_KEPT * 3 });
  private readonly widgets = new LRUCache<string, KeptResponse>({ maxSize: WIDGET_BYTES, sizeCalculation: (body) => body.size });
  private serial = 0;

  constructor(
    private readonly db: Db,
    private readonly recheckMs = 1000,
  ) {}

  /** The election, current as of this call, or null when it does not exist. */
  async election(slug: string): Promise<ElectionSnapshot | null> {
    return (await this.entry(slug))?.snapshot ?? null;
  }

  /**
   * The election's two counters, as trusted now (see the top of this file): its data version, and
   * its answers version, raised with any of its races'. What covers the whole election and changes
   * with publications is derived once per pair.
   */
  async versions(slug: string): Promise<{ data: number; answers: number } | null> {
    const current = await this.checked(this.electionVersions, slug, () => findElectionVersion(this.db, slug));
    return current && { data: current.version, answers: current.answersVersion };
  }

  /** The election's topics, statements, races and parties, shared: callers must not change them. */
  async detail(slug: string): Promise<ElectionSnapshot['detail'] | null> {
    return (await this.entry(slug))?.snapshot.detail ?? null;
  }

  /** The election and one of its races (by slug), or null for either when missing. */
  async race(slug: string, raceSlug: string): Promise<{ election: ElectionSnapshot; race: RaceSnapshot | null } | null> {
    const entry = await this.entry(slug);
    if (!entry) return null;
    const race = entry.racesBySlug.get(raceSlug);
    if (!race) return { election: entry.snapshot, race: null };
    const version = await this.checked(this.raceVersions, race.id, () => findRaceVersion(this.db, race.id));
    if (version === null) return { election: entry.snapshot, race: null };
    let cached = entry.races.get(race.id);
    if (!cached || cached.version !== version) {
      if (cached) this.forget([cached.serial]);
      const serial = this.nextSerial();
      const loading = this.loadRace(entry.snapshot, race, serial);
      cached = { version, serial, snapshot: loading };
      entry.races.set(race.id, cached);
      loading.catch(() => {
        if (entry.races.get(race.id)?.snapshot === loading) entry.races.delete(race.id);
      });
    }
    return { election: entry.snapshot, race: await cached.snapshot };
  }

  /** The parts of a race's results rows in one language and page variant (see `RowParts`). */
  rowParts(race: RaceSnapshot, variant: RowVariant): RowParts {
    const key = `${race.serial}|${variant.locale}|${variant.langParam ?? ''}|${variant.embedded ? 'embed' : 'site'}`;
    let parts = this.rows.get(key);
    if (!parts) {
      parts = new RowParts(race, variant);
      this.rows.set(key, parts);
    }
    return parts;
  }

  /** What a race's filter menus offer, labelled in one language (see `filterOptions`). */
  filterOptions(race: RaceSnapshot, locale: Locale): FilterOptions {
    const key = `${race.serial}|${locale}`;
    let options = this.filters.get(key);
    if (!options) {
      options = filterOptions({ parties: race.election.detail.parties, values: race.profileValues, locale });
      this.filters.set(key, options);
    }
    return options;
  }

  /** The parts of a race's match API answers (see `MatchParts`). */
  matchOpenings(race: RaceSnapshot): MatchParts {
    let parts = this.matchParts.get(`${race.serial}|`);
    if (!parts) {
      parts = new MatchParts(race);
      this.matchParts.set(`${race.serial}|`, parts);
    }
    return parts;
  }

  /**
   * A statement widget of a race as sent, made by `render` once per race
   * snapshot and variant: every reader of an article loads the same widget,
   * and within a minute gets the same order (the minute seed).
   */
  async statementWidget(
    race: RaceSnapshot,
    variant: { statement: string; party: string | undefined; seed: number; locale: Locale; langParam: string | null },
    render: () => Promise<string>,
  ): Promise<KeptResponse> {
    const key = `${race.serial}|${variant.statement}|${variant.party ?? ''}|${variant.seed}|${variant.locale}|${variant.langParam ?? ''}`;
    const kept = this.widgets.get(key);
    if (kept) return kept;
    const body = new KeptResponse(await render());
    // One larger than all the widgets together is sent, not kept.
    if (body.size <= WIDGET_BYTES) this.widgets.set(key, body);
    return body;
  }

  private async entry(slug: string): Promise<Entry | null> {
    const current = await this.checked(this.electionVersions, slug, () => findElectionVersion(this.db, slug));
    if (!current) {
      this.entries.delete(slug);
      this.electionVersions.delete(slug);
      return null;
    }
    const cached = this.entries.get(slug);
    // Requests that see the same version share one load: after a change, the
    // first request starts the reload and the others wait for it.
    if (cached && cached.version === current.version && cached.id === current.id) return cached.entry;
    if (cached) void cached.entry.then((old) => old && this.forget([...old.races.values()].map((r) => r.serial)), () => undefined);
    const entry = this.loadElection(slug, current.version);
    this.entries.set(slug, { version: current.version, id: current.id, entry });
    entry.catch(() => {
      if (this.entries.get(slug)?.entry === entry) this.entries.delete(slug);
    });
    return entry;
  }

  private async loadElection(slug: string, version: number): Promise<Entry | null> {
    const detail = await findElectionDetail(this.db, slug);
    if (!detail) return null;
    const topicIndex = new Map(detail.topics.map((t, index) => [t.id, index]));
    const questionnaire: MatchQuestionnaire = {
      scales: Uint8Array.from(detail.statements.map((s) => s.scale)),
      topics: Uint16Array.from(detail.statements.map((s) => topicIndex.get(s.topicId) ?? 0)),
      topicCount: detail.topics.length,
    };
    return {
      snapshot: {
        serial: this.nextSerial(),
        version,
        detail,
        questionnaire,
        statementIndex: new Map(detail.statements.map((s, index) => [s.key, index])),
      },
      racesBySlug: new Map(detail.races.map((race) => [race.slug, race])),
      races: new Map(),
    };
  }

  /** The version `read` gives, or the one it gave last while still trusted (see the top of this file). */
  private async checked<K, T>(memo: Map<K, Checked<T>>, key: K, read: () => Promise<T>): Promise<T> {
    const seen = memo.get(key);
    if (seen && seen.writes === writesRun(this.db) && performance.now() - seen.at < this.recheckMs) return seen.value;
    // Counted before reading: a write run meanwhile makes the next request read again.
    const writes = writesRun(this.db);
    const at = performance.now();
    const value = await read();
    memo.set(key, { value, writes, at });
    return value;
  }

  private nextSerial(): number {
    this.serial += 1;
    return this.serial;
  }

  /** Drops what was derived from race snapshots that a new version replaced. */
  private forget(serials: number[]): void {
    if (serials.length === 0) return;
    const prefixes = serials.map((serial) => `${serial}|`);
    for (const kept of [this.rows, this.matchParts, this.filters, this.widgets] as Array<LRUCache<string, object>>) {
      for (const key of [...kept.keys()]) if (prefixes.some((prefix) => key.startsWith(prefix))) kept.delete(key);
    }
  }

  private async loadRace(election: ElectionSnapshot, race: Race, serial: number): Promise<RaceSnapshot> {
    const { candidates, values } = await loadRaceAnswers(this.db, {
      raceId: race.id,
      statementIds: election.detail.statements.map((s) => s.id),
    });
    const matrix = { candidateCount: candidates.length, values };
    const distinct = (all: Array<string | null>) => [...new Set(all.filter((v): v is string => v !== null))].sort();
    return {
      serial,
      election,
      race,
      candidates,
      matrix: { ...matrix, pairs: answerPairs(matrix, election.detail.statements.length) },
      profileValues: {
        genders: distinct(candidates.map((c) => c.profile.gender)),
        raceColors: distinct(candidates.map((c) => c.profile.raceColor)),
      },
    };
  }
}
