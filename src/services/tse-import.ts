import type { Db } from '../db/client.js';
import { bumpDataVersion } from '../db/repositories/elections.js';
import type { Clock } from '../domain/clock.js';
import { slugify, titleCase } from '../domain/text.js';
import { readRoster, type RosterRejection, type RosterRow } from '../formats/tse-roster.js';

/*
 * Imports a candidate roster from the electoral court into an existing
 * election: races by electoral unit and office, parties, candidates keyed by
 * SQ_CANDIDATO. A first pass reads the whole file without writing, so a
 * malformed file changes nothing; the second writes in batches of a few
 * hundred rows, each in its own transaction, so a large file neither holds
 * the database for long nor needs memory in proportion to its size: what is
 * kept is the election's races and parties, and the court ids seen, to catch
 * a duplicate row (tens of bytes a row). Existing candidates are looked up
 * per batch. Re-importing updates what changed and never duplicates.
 */

export interface RosterSummary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The first rejections, with their line and reason. */
  rejections: RosterRejection[];
  racesCreated: number;
  partiesCreated: number;
}

const BATCH = 500;
/** Rows read in the first pass between two calls of `onReading`. */
const READING_SIGNAL = 5_000;
const KEPT_REJECTIONS = 200;

export type RosterOutcome = { ok: true; summary: RosterSummary } | { ok: false; problem: 'no_election' };

export async function importRoster(
  deps: { db: Db; clock: Clock },
  input: {
    election: string;
    file: string;
    actor: string;
    onProgress?: (processed: number, total: number) => void | Promise<void>;
    /** Called now and then while the file is read before anything is written, which may take minutes. */
    onReading?: (rows: number) => void | Promise<void>;
    /** Called in each batch's transaction, after its rows: what it writes commits with them, and what it throws undoes them. */
    inBatch?: (trx: Db, processed: number) => Promise<void>;
  },
): Promise<RosterOutcome> {
  const { db } = deps;
  const election = await db.selectFrom('elections').select(['id']).where('slug', '=', input.election).executeTakeFirst();
  if (!election) return { ok: false, problem: 'no_election' };

  // Pass 1: the whole file must read as a roster before anything is written.
  const rejections: RosterRejection[] = [];
  let rejected = 0;
  let read = 0;
  const { rows: total } = await readRoster(input.file, {
    row: async () => {
      read += 1;
      if (read % READING_SIGNAL === 0) await input.onReading?.(read);
    },
    reject: (rejection) => {
      rejected += 1;
      if (rejections.length < KEPT_REJECTIONS) rejections.push(rejection);
    },
  });

  const state = await loadState(db, election.id);
  const summary: RosterSummary = { rows: total, created: 0, updated: 0, unchanged: 0, rejected, rejections, racesCreated: 0, partiesCreated: 0 };
  let batch: RosterRow[] = [];
  let processed = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const now = deps.clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      await writeBatch(trx, { electionId: election.id, rows, state, summary, now });
      await input.inBatch?.(trx, processed + rows.length);
    });
    processed += rows.length;
    await input.onProgress?.(processed, total - rejected);
  };
  await readRoster(input.file, {
    row: async (row) => {
      batch.push(row);
      if (batch.length >= BATCH) await flush();
    },
    reject: () => undefined,
  });
  await flush();

  await db.transaction().execute(async (trx) => {
    if (summary.created + summary.updated + summary.racesCreated + summary.partiesCreated > 0) await bumpDataVersion(trx, election.id);
    await trx
      .insertInto('audit_log')
      .values({
        election_id: election.id,
        actor: input.actor,
        action: 'import-tse',
        details: JSON.stringify({ ...summary, rejections: summary.rejections.slice(0, 20) }),
        created_at: deps.clock.now().toISOString(),
      })
      .execute();
  });
  return { ok: true, summary };
}

interface ImportState {
  races: Map<string, number>;
  raceSlugs: Set<string>;
  racePosition: number;
  parties: Map<string, number>;
  partyPosition: number;
  candidatePosition: number;
}

async function loadState(db: Db, electionId: number): Promise<ImportState> {
  const races = await db.selectFrom('races').select(['id', 'slug', 'source_key', 'position']).where('election_id', '=', electionId).execute();
  const parties = await db.selectFrom('parties').select(['id', 'slug', 'position']).where('election_id', '=', electionId).execute();
  // Races and parties are few (a national roster has some 14,000 races); candidates are not kept in memory.
  const last = await db
    .selectFrom('candidates')
    .select((eb) => eb.fn.max('position').as('position'))
    .where('election_id', '=', electionId)
    .executeTakeFirst();
  return {
    races: new Map(races.filter((r) => r.source_key !== null).map((r) => [r.source_key!, r.id])),
    raceSlugs: new Set(races.map((r) => r.slug)),
    racePosition: Math.max(-1, ...races.map((r) => r.position)) + 1,
    parties: new Map(parties.map((p) => [p.slug, p.id])),
    partyPosition: Math.max(-1, ...parties.map((p) => p.position)) + 1,
    candidatePosition: Number(last?.position ?? -1) + 1,
  };
}

function uniqueSlug(base: string, taken: Set<string>): string {
  let slug = base || 'x';
  for (let n = 2; taken.has(slug); n += 1) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

async function writeBatch(
  trx: Db,
  input: { electionId: number; rows: RosterRow[]; state: ImportState; summary: RosterSummary; now: string },
): Promise<void> {
  const { electionId, rows, state, summary, now } = input;
  const existing = new Map(
    (
      await trx
        .selectFrom('candidates')
        .selectAll()
        .where('election_id', '=', electionId)
        .where(
          'official_id',
          'in',
          rows.map((r) => r.officialId),
        )
        .execute()
    ).map((c) => [c.official_id!, c]),
  );
  // A new candidate's key is their court id, unless another candidate of the election already has it as key.
  const keysTaken = new Set(
    (
      await trx
        .selectFrom('candidates')
        .select('key')
        .where('election_id', '=', electionId)
        .where(
          'key',
          'in',
          rows.map((r) => r.officialId),
        )
        .execute()
    ).map((c) => c.key),
  );
  // The batch's court ids were all looked up above; another key (rare: `123-2`) is looked up on its own.
  const isKeyTaken = async (key: string, officialId: string) =>
    keysTaken.has(key) ||
    (key !== officialId &&
      (await trx.selectFrom('candidates').select('id').where('election_id', '=', electionId).where('key', '=', key).executeTakeFirst()) !== undefined);

  for (const row of rows) {
    const raceId = await ensureRace(trx, { electionId, row, state, summary });
    const partyId = await ensureParty(trx, { electionId, row, state, summary });
    const old = existing.get(row.officialId);
    const court = {
      name: titleCase(row.name),
      ballot_name: row.ballotName ? titleCase(row.ballotName) : null,
      ballot_number: row.ballotNumber && /^\d+$/.test(row.ballotNumber) ? row.ballotNumber : null,
      party_id: partyId,
      race_id: raceId,
    };
    if (!old) {
      let key = row.officialId;
      for (let n = 2; await isKeyTaken(key, row.officialId); n += 1) key = `${row.officialId}-${n}`;
      keysTaken.add(key);
      const inserted = await trx
        .insertInto('candidates')
        .values({
          election_id: electionId,
          key,
          official_id: row.officialId,
          ...court,
          elected: row.elected ? 1 : 0,
          email: row.email,
          gender: row.gender,
          gender_source: row.gender ? 'court' : null,
          race_color: row.raceColor,
          race_color_source: row.raceColor ? 'court' : null,
          lgbt: null,
          collective: null,
          bio: null,
          links: null,
          photo_url: null,
          position: state.candidatePosition++,
          published_at: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      // A later row of the same candidate (the runoff round) in this batch updates this one.
      existing.set(row.officialId, inserted);
      summary.created += 1;
      continue;
    }
    // What the candidate declared themselves is never overwritten by the court's data.
    const changes: Record<string, string | number | null> = {};
    for (const [column, value] of Object.entries(court)) {
      if ((old as Record<string, unknown>)[column] !== value) changes[column] = value;
    }
    if (row.elected !== null && (old.elected !== 0) !== row.elected) changes.elected = row.elected ? 1 : 0;
    if (row.email && old.email === null) changes.email = row.email;
    if (old.gender_source !== 'self' && row.gender !== null && old.gender !== row.gender) {
      changes.gender = row.gender;
      changes.gender_source = 'court';
    }
    if (old.race_color_source !== 'self' && row.raceColor !== null && old.race_color !== row.raceColor) {
      changes.race_color = row.raceColor;
      changes.race_color_source = 'court';
    }
    if (Object.keys(changes).length === 0) {
      summary.unchanged += 1;
      continue;
    }
    await trx.updateTable('candidates').set({ ...changes, updated_at: now }).where('id', '=', old.id).execute();
    existing.set(row.officialId, { ...old, ...changes });
    summary.updated += 1;
  }
}

async function ensureRace(trx: Db, input: { electionId: number; row: RosterRow; state: ImportState; summary: RosterSummary }): Promise<number> {
  const { row, state } = input;
  const sourceKey = `${row.unitCode}:${row.officeCode}`;
  const known = state.races.get(sourceKey);
  if (known !== undefined) return known;
  // Municipal units are numeric codes: name the state too, as many municipalities share names.
  const municipal = row.state !== null && row.state !== row.unitCode;
  const district = `${titleCase(row.unitName)}${municipal ? ` (${row.state})` : ''}`;
  const office = titleCase(row.officeName);
  const slug = uniqueSlug(slugify(`${office} ${district}`), state.raceSlugs);
  const inserted = await trx
    .insertInto('races')
    .values({
      election_id: input.electionId,
      slug,
      office: JSON.stringify(office),
      district: JSON.stringify(district),
      position: state.racePosition++,
      source_key: sourceKey,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  state.races.set(sourceKey, inserted.id);
  input.summary.racesCreated += 1;
  return inserted.id;
}

async function ensureParty(
  trx: Db,
  input: { electionId: number; row: RosterRow; state: ImportState; summary: RosterSummary },
): Promise<number | null> {
  const { row, state } = input;
  const abbreviation = row.partyAbbreviation ?? (row.partyNumber !== null ? String(row.partyNumber) : null);
  if (!abbreviation) return null;
  const slug = slugify(abbreviation) || `partido-${row.partyNumber ?? 'x'}`;
  const known = state.parties.get(slug);
  if (known !== undefined) return known;
  const inserted = await trx
    .insertInto('parties')
    .values({
      election_id: input.electionId,
      slug,
      abbreviation,
      name: row.partyName ? titleCase(row.partyName) : abbreviation,
      number: row.partyNumber,
      position: state.partyPosition++,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  state.parties.set(slug, inserted.id);
  input.summary.partiesCreated += 1;
  return inserted.id;
}
