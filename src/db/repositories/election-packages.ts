import type { ElectionPackage, PackageAnswer, PackageCandidate } from '../../formats/election-package.js';
import { PACKAGE_FORMAT } from '../../formats/election-package.js';
import type { Db } from '../client.js';
import { bumpDataVersion } from './elections.js';
import { historyWriter, type HistoryAnswer } from './history.js';
import { hideText, keepText } from './justification-texts.js';
import { flag, readLinks, readLocalized, readOptionalLocalized, writeJson } from '../json-columns.js';

/*
 * Writing an election package into the database and reading it back. The
 * writer brings the election to exactly what the package says (insert, update,
 * delete by stable key), so importing twice is the same as importing once.
 * Changes to answers of a published candidate are appended to the public,
 * hash-chained history. Call inside a transaction.
 */

export interface PackageWriteSummary {
  electionId: number;
  slug: string;
  created: boolean;
  counts: Record<'topics' | 'statements' | 'races' | 'parties' | 'candidates' | 'answers', number>;
  historyEntries: number;
}

/** Raised when the database refuses a package that is valid on its own (e.g. removing what has public history). */
export class PackageConflictError extends Error {
  override readonly name = 'PackageConflictError';
  constructor(
    readonly code: 'has_history',
    readonly params: Record<string, string>,
  ) {
    super(`${code}: ${JSON.stringify(params)}`);
  }
}

export async function writeElectionPackage(trx: Db, pkg: ElectionPackage, now: string): Promise<PackageWriteSummary> {
  const e = pkg.election;
  const existing = await trx.selectFrom('elections').select('id').where('slug', '=', e.slug).executeTakeFirst();
  const electionFields = {
    name: writeJson(e.name),
    date: e.date,
    country: e.country,
    scale: e.scale,
    min_answers: e.minAnswers,
    updated_at: now,
  };
  let electionId: number;
  if (existing) {
    electionId = existing.id;
    await trx.updateTable('elections').set(electionFields).where('id', '=', electionId).execute();
  } else {
    const inserted = await trx
      .insertInto('elections')
      .values({ ...electionFields, slug: e.slug, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    electionId = inserted.id;
  }

  const topics = await syncByKey(trx, {
    table: 'topics',
    keyColumn: 'slug',
    electionId,
    rows: pkg.topics.map((t, position) => ({ key: t.slug, values: { name: writeJson(t.name), position } })),
  });
  const statements = await syncByKey(trx, {
    table: 'statements',
    keyColumn: 'key',
    electionId,
    rows: pkg.statements.map((s, position) => ({
      key: s.id,
      values: {
        topic_id: mustGet(topics.ids, s.topic),
        text: writeJson(s.text),
        context: s.context === undefined ? null : writeJson(s.context),
        scale: s.scale ?? null,
        position,
      },
    })),
    historyLabel: 'statement',
  });
  const races = await syncByKey(trx, {
    table: 'races',
    keyColumn: 'slug',
    electionId,
    rows: pkg.races.map((r, position) => ({
      key: r.slug,
      values: { office: writeJson(r.office), district: writeJson(r.district), position },
    })),
  });
  const parties = await syncByKey(trx, {
    table: 'parties',
    keyColumn: 'slug',
    electionId,
    rows: pkg.parties.map((p, position) => ({
      key: p.slug,
      values: { abbreviation: p.abbreviation, name: p.name, number: p.number ?? null, position },
    })),
  });

  const before = new Map(
    (
      await trx
        .selectFrom('candidates')
        .select(['id', 'key', 'status', 'published_at'])
        .where('election_id', '=', electionId)
        .execute()
    ).map((c) => [c.key, c]),
  );
  const candidates = await syncByKey(trx, {
    table: 'candidates',
    keyColumn: 'key',
    electionId,
    rows: pkg.candidates.map((c, position) => ({
      key: c.id,
      values: candidateColumns(c, {
        position,
        raceId: mustGet(races.ids, c.race),
        partyId: c.party === undefined ? null : mustGet(parties.ids, c.party),
        now,
      }),
      insertOnly: { created_at: now },
    })),
    historyLabel: 'candidate',
  });

  const statementKeyById = new Map([...statements.ids].map(([key, id]) => [id, key]));
  const history = await historyWriter(trx, electionId);
  let answerCount = 0;
  for (const candidate of pkg.candidates) {
    const candidateId = mustGet(candidates.ids, candidate.id);
    const wanted = new Map(
      Object.entries(candidate.answers ?? {}).map(([key, answer]) => [mustGet(statements.ids, key), answer]),
    );
    answerCount += wanted.size;
    const previous = before.get(candidate.id);
    const wasPublished = previous?.status === 'published';
    const current = await trx
      .selectFrom('answers')
      .select(['id', 'statement_id', 'value', 'justification', 'justification_sha256', 'hidden_reason'])
      .where('candidate_id', '=', candidateId)
      .execute();
    const currentByStatement = new Map(current.map((a) => [a.statement_id, a]));
    const changes: Array<{ statementId: number; old: HistoryAnswer | null; next: HistoryAnswer | null }> = [];

    for (const [statementId, answer] of wanted) {
      const old = currentByStatement.get(statementId);
      const columns = await answerColumns(trx, { electionId, candidateId, statementId, answer, old, now });
      if (!old) {
        await trx
          .insertInto('answers')
          .values({ candidate_id: candidateId, statement_id: statementId, ...columns, updated_at: now })
          .execute();
        changes.push({ statementId, old: null, next: chained(columns) });
      } else if (
        old.value !== columns.value ||
        old.justification !== columns.justification ||
        old.justification_sha256 !== columns.justification_sha256 ||
        old.hidden_reason !== columns.hidden_reason
      ) {
        await trx.updateTable('answers').set({ ...columns, updated_at: now }).where('id', '=', old.id).execute();
        // A new reason for hidden words changes what shows, not what the history holds.
        if (old.value !== columns.value || old.justification_sha256 !== columns.justification_sha256) {
          changes.push({ statementId, old: chained(old), next: chained(columns) });
        }
      }
    }
    const removed = current.filter((a) => !wanted.has(a.statement_id));
    if (removed.length > 0) {
      await trx.deleteFrom('answers').where('id', 'in', removed.map((a) => a.id)).execute();
      for (const a of removed) changes.push({ statementId: a.statement_id, old: chained(a), next: null });
    }

    const publishes = wanted.size > 0;
    if (wasPublished) {
      for (const change of changes) {
        await history.append({
          candidateId,
          candidateKey: candidate.id,
          statementId: change.statementId,
          statementKey: mustGet(statementKeyById, change.statementId),
          old: change.old,
          next: change.next,
          changedAt: now,
          actor: 'import',
        });
      }
    }
    if (publishes && !wasPublished) {
      await trx.updateTable('candidates').set({ status: 'published', published_at: now }).where('id', '=', candidateId).execute();
    } else if (!publishes && wasPublished) {
      await trx.updateTable('candidates').set({ status: 'listed', published_at: null }).where('id', '=', candidateId).execute();
    }
  }

  // Children before parents, once every kept row points at its new parent.
  for (const synced of [candidates, statements, topics, races, parties]) await synced.deleteStale();
  await bumpDataVersion(trx, electionId);

  return {
    electionId,
    slug: e.slug,
    created: !existing,
    counts: {
      topics: pkg.topics.length,
      statements: pkg.statements.length,
      races: pkg.races.length,
      parties: pkg.parties.length,
      candidates: pkg.candidates.length,
      answers: answerCount,
    },
    historyEntries: history.appended(),
  };
}

/** The election as a package, in the order it was imported; null when no election has the slug. */
export async function readElectionPackage(db: Db, slug: string): Promise<ElectionPackage | null> {
  const election = await db.selectFrom('elections').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!election) return null;
  const [topics, statements, races, parties, candidates, answers] = await Promise.all([
    db.selectFrom('topics').selectAll().where('election_id', '=', election.id).orderBy('position').execute(),
    db
      .selectFrom('statements')
      .innerJoin('topics', 'topics.id', 'statements.topic_id')
      .select(['statements.id', 'statements.key', 'statements.text', 'statements.context', 'statements.scale', 'topics.slug as topic'])
      .where('statements.election_id', '=', election.id)
      .orderBy('statements.position')
      .execute(),
    db.selectFrom('races').selectAll().where('election_id', '=', election.id).orderBy('position').execute(),
    db.selectFrom('parties').selectAll().where('election_id', '=', election.id).orderBy('position').execute(),
    db
      .selectFrom('candidates')
      .innerJoin('races', 'races.id', 'candidates.race_id')
      .leftJoin('parties', 'parties.id', 'candidates.party_id')
      .selectAll('candidates')
      .select(['races.slug as race', 'parties.slug as party'])
      .where('candidates.election_id', '=', election.id)
      .orderBy('candidates.position')
      .execute(),
    db
      .selectFrom('answers')
      .innerJoin('candidates', 'candidates.id', 'answers.candidate_id')
      .innerJoin('statements', 'statements.id', 'answers.statement_id')
      .select(['answers.candidate_id', 'statements.key', 'answers.value', 'answers.justification', 'answers.hidden_reason'])
      .where('candidates.election_id', '=', election.id)
      .orderBy('answers.candidate_id')
      .orderBy('statements.position')
      .execute(),
  ]);

  const answersByCandidate = new Map<number, Record<string, PackageAnswer>>();
  for (const a of answers) {
    const record = answersByCandidate.get(a.candidate_id) ?? {};
    // The package is public (`/data/<election>.json`): hidden words are not in it, their reason is.
    record[a.key] =
      a.hidden_reason !== null
        ? { value: a.value, hiddenReason: a.hidden_reason }
        : a.justification === null
          ? { value: a.value }
          : { value: a.value, justification: a.justification };
    answersByCandidate.set(a.candidate_id, record);
  }

  return {
    format: PACKAGE_FORMAT,
    election: {
      slug: election.slug,
      name: readLocalized(election.name),
      date: election.date,
      country: election.country,
      scale: election.scale,
      minAnswers: election.min_answers,
    },
    topics: topics.map((t) => ({ slug: t.slug, name: readLocalized(t.name) })),
    statements: statements.map((s) =>
      compact({
        id: s.key,
        topic: s.topic,
        text: readLocalized(s.text),
        context: readOptionalLocalized(s.context),
        scale: s.scale,
      }),
    ),
    races: races.map((r) => ({ slug: r.slug, office: readLocalized(r.office), district: readLocalized(r.district) })),
    parties: parties.map((p) => compact({ slug: p.slug, abbreviation: p.abbreviation, name: p.name, number: p.number })),
    candidates: candidates.map((c) => {
      const profile = compact({
        gender: c.gender,
        raceColor: c.race_color,
        lgbt: flag.read(c.lgbt),
        collective: flag.read(c.collective),
        bio: c.bio,
        links: c.links === null ? null : readLinks(c.links),
        photoUrl: c.photo_url,
      });
      return compact({
        id: c.key,
        officialId: c.official_id,
        name: c.name,
        ballotName: c.ballot_name,
        ballotNumber: c.ballot_number,
        party: c.party,
        race: c.race,
        elected: c.elected !== 0,
        profile: Object.keys(profile).length > 0 ? profile : null,
        answers: answersByCandidate.get(c.id) ?? null,
      }) as PackageCandidate;
    }),
  };
}

function candidateColumns(
  c: PackageCandidate,
  at: { position: number; raceId: number; partyId: number | null; now: string },
) {
  const p = c.profile ?? {};
  return {
    official_id: c.officialId ?? null,
    name: c.name,
    ballot_name: c.ballotName ?? null,
    ballot_number: c.ballotNumber ?? null,
    party_id: at.partyId,
    race_id: at.raceId,
    elected: c.elected ? 1 : 0,
    gender: p.gender ?? null,
    race_color: p.raceColor ?? null,
    lgbt: flag.write(p.lgbt),
    collective: flag.write(p.collective),
    bio: p.bio ?? null,
    links: p.links === undefined ? null : writeJson(p.links),
    photo_url: p.photoUrl ?? null,
    position: at.position,
    updated_at: at.now,
  };
}

type KeyedTable = 'topics' | 'statements' | 'races' | 'parties' | 'candidates';

/**
 * Inserts, updates and deletes the rows of one election's table so that they
 * are exactly `rows`, matched by their stable key. Returns key → id, and the
 * deletion of the rows the package no longer has, to run once nothing refers to them.
 */
async function syncByKey(
  trx: Db,
  spec: {
    table: KeyedTable;
    keyColumn: 'slug' | 'key';
    electionId: number;
    rows: Array<{ key: string; values: Record<string, unknown>; insertOnly?: Record<string, unknown> }>;
    historyLabel?: 'statement' | 'candidate';
  },
): Promise<{ ids: Map<string, number>; deleteStale: () => Promise<void> }> {
  // The table and key column vary here, so this one function steps outside Kysely's static types.
  const db = trx as unknown as import('kysely').Kysely<any>;
  const existing: Array<{ id: number; key: string }> = await db
    .selectFrom(spec.table)
    .select(['id', `${spec.keyColumn} as key`])
    .where('election_id', '=', spec.electionId)
    .execute();
  const ids = new Map(existing.map((row) => [row.key, row.id]));
  const wanted = new Set(spec.rows.map((row) => row.key));
  const stale = existing.filter((row) => !wanted.has(row.key));
  for (const row of spec.rows) {
    const id = ids.get(row.key);
    if (id === undefined) {
      const inserted = await db
        .insertInto(spec.table)
        .values({ election_id: spec.electionId, [spec.keyColumn]: row.key, ...row.values, ...row.insertOnly })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.set(row.key, inserted.id as number);
    } else {
      await db.updateTable(spec.table).set(row.values).where('id', '=', id).execute();
    }
  }
  for (const row of stale) ids.delete(row.key);

  async function deleteStale(): Promise<void> {
    if (stale.length === 0) return;
    if (spec.historyLabel) {
      const column = spec.historyLabel === 'statement' ? 'statement_id' : 'candidate_id';
      const withHistory = await trx
        .selectFrom('answer_history')
        .select(column)
        .where(column, 'in', stale.map((row) => row.id))
        .limit(1)
        .executeTakeFirst();
      if (withHistory) {
        const id = (withHistory as Record<string, number>)[column];
        const key = stale.find((row) => row.id === id)?.key ?? '?';
        throw new PackageConflictError('has_history', { kind: spec.historyLabel, id: key });
      }
    }
    await db.deleteFrom(spec.table).where('id', 'in', stale.map((row) => row.id)).execute();
  }
  return { ids, deleteStale };
}

/** An answer's columns as the history chains them. */
function chained(row: { value: number | null; justification_sha256: string | null }): HistoryAnswer {
  return { value: row.value, justificationSha256: row.justification_sha256 };
}

/**
 * The published answer's columns for a package's answer. The words are kept
 * beside the history; words the organizers hid stay hidden. An answer with a
 * `hiddenReason` and no words (as exports write a hidden justification) keeps
 * the hidden words already published, under the package's reason, or has
 * none; with words, it hides them.
 */
async function answerColumns(
  trx: Db,
  input: {
    electionId: number;
    candidateId: number;
    statementId: number;
    answer: PackageAnswer;
    old: { value: number | null; justification: string | null; justification_sha256: string | null; hidden_reason: string | null } | undefined;
    now: string;
  },
) {
  const { answer, old } = input;
  const reason = answer.hiddenReason ?? null;
  if (answer.justification !== undefined) {
    const fate = await keepText(trx, { ...input, text: answer.justification });
    if (reason !== null && fate.withheldReason === null) await hideText(trx, { candidateId: input.candidateId, statementId: input.statementId, sha256: fate.sha256, reason });
    return { value: answer.value, justification: fate.redacted ? null : answer.justification, justification_sha256: fate.sha256, hidden_reason: fate.withheldReason ?? reason };
  }
  if (reason !== null && old && old.hidden_reason !== null && old.justification_sha256 !== null) {
    if (old.justification !== null) await hideText(trx, { candidateId: input.candidateId, statementId: input.statementId, sha256: old.justification_sha256, reason });
    return { value: answer.value, justification: old.justification, justification_sha256: old.justification_sha256, hidden_reason: reason };
  }
  return { value: answer.value, justification: null, justification_sha256: null, hidden_reason: reason };
}

function mustGet<K, V>(map: Map<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`missing reference ${String(key)}`);
  return value;
}

/** The object without its null and undefined properties: optional package keys are omitted, never null. */
function compact<T extends Record<string, unknown>>(object: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null && value !== undefined)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}
