import type { Db } from '../db/client.js';
import { findElectionDetail, findElectionVersion, findRaceVersion } from '../db/repositories/elections.js';
import { loadRaceAnswers } from '../db/repositories/race-answers.js';
import type { Candidate, ElectionDetail, Race } from '../domain/election.js';
import type { CandidateMatrix, MatchQuestionnaire } from '../domain/matching.js';
import { committedWrites } from '../db/writes.js';

/** An election as matching needs it: the questionnaire packed, statements indexed. */
export interface ElectionSnapshot {
  version: number;
  detail: ElectionDetail;
  questionnaire: MatchQuestionnaire;
  /** Statement key → questionnaire index. */
  statementIndex: ReadonlyMap<string, number>;
}

/** What the public pages read through: the database, and elections from the cache over it. */
export interface PageSource {
  db: Db;
  cache: ElectionCache;
}

/** One race: its candidates (matrix rows) and their published answers, packed. */
export interface RaceSnapshot {
  race: Race;
  candidates: readonly Candidate[];
  matrix: CandidateMatrix;
}

interface Entry {
  snapshot: ElectionSnapshot;
  racesBySlug: ReadonlyMap<string, Race>;
  /** Per race: the answers version being served (or loaded), shared by concurrent requests. */
  races: Map<number, { version: number; snapshot: Promise<RaceSnapshot> }>;
}

/** A version read from the database, and when: the count of this process's writes and the time. */
interface Checked<T> {
  value: T;
  writes: number;
  at: number;
}

/**
 * Elections and their races' answers held in memory, so matching a race costs
 * arithmetic only. Each level a request reads has a version in the database:
 * the election's data version, and for a race, the race's answers version.
 * When an organizer's change or an import has raised the election's version,
 * the election is reloaded and its races when next asked; a candidate's
 * publication raises only their race's version, and only that race is reloaded.
 *
 * A version read is trusted until this process commits a write (so its own
 * changes show at once) or `recheckMs` has passed (so another process's
 * changes show within that time); 0 reads it on every request.
 */
export class ElectionCache {
  /** Per election: the version being served (or loaded) and its entry, shared by concurrent requests. */
  private readonly entries = new Map<string, { version: number; id: number; entry: Promise<Entry | null> }>();
  private readonly electionVersions = new Map<string, Checked<{ id: number; version: number } | null>>();
  private readonly raceVersions = new Map<number, Checked<number | null>>();

  constructor(
    private readonly db: Db,
    private readonly recheckMs = 1000,
  ) {}

  /** The election, current as of this call, or null when it does not exist. */
  async election(slug: string): Promise<ElectionSnapshot | null> {
    return (await this.entry(slug))?.snapshot ?? null;
  }

  /** The election's topics, statements, races and parties, shared: callers must not change them. */
  async detail(slug: string): Promise<ElectionDetail | null> {
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
      const loading = this.loadRace(entry.snapshot, race);
      cached = { version, snapshot: loading };
      entry.races.set(race.id, cached);
      loading.catch(() => {
        if (entry.races.get(race.id)?.snapshot === loading) entry.races.delete(race.id);
      });
    }
    return { election: entry.snapshot, race: await cached.snapshot };
  }

  private async entry(slug: string): Promise<Entry | null> {
    const current = await this.checked(this.electionVersions, slug, () => findElectionVersion(this.db, slug));
    if (!current) {
      this.entries.delete(slug);
      this.electionVersions.delete(slug);
      return null;
    }
    const cached = this.entries.get(slug);
    // Requests that see the same version share one load: after a publication, the
    // first request starts the reload and the others wait for it.
    if (cached && cached.version === current.version && cached.id === current.id) return cached.entry;
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
        version,
        detail,
        questionnaire,
        statementIndex: new Map(detail.statements.map((s, index) => [s.key, index])),
      },
      racesBySlug: new Map(detail.races.map((race) => [race.slug, race])),
      races: new Map(),
    };
  }

  /** The version `read` gives, or the one it gave last while still trusted (see the class). */
  private async checked<K, T>(memo: Map<K, Checked<T>>, key: K, read: () => Promise<T>): Promise<T> {
    const seen = memo.get(key);
    if (seen && seen.writes === committedWrites() && performance.now() - seen.at < this.recheckMs) return seen.value;
    // Counted before reading: a write committed meanwhile makes the next request read again.
    const writes = committedWrites();
    const at = performance.now();
    const value = await read();
    memo.set(key, { value, writes, at });
    return value;
  }

  private async loadRace(snapshot: ElectionSnapshot, race: Race): Promise<RaceSnapshot> {
    const { candidates, values } = await loadRaceAnswers(this.db, {
      raceId: race.id,
      statementIds: snapshot.detail.statements.map((s) => s.id),
    });
    return { race, candidates, matrix: { candidateCount: candidates.length, values } };
  }
}
