import type { Db } from '../db/client.js';
import { insertRows, type BulkColumns } from '../db/repositories/bulk.js';
import { bumpDataVersion } from '../db/repositories/elections.js';
import type { Clock } from '../domain/clock.js';
import { textSha256 } from '../domain/history-chain.js';
import { seededRandom, type RandomSource } from '../domain/fairness.js';

/*
 * A synthetic national election, for benchmarks and scale tests
 * (`concordo generate`): municipalities across the 27 states, each with a
 * mayoral race (2–8 candidates) and a council race whose size follows a
 * heavy-tailed spread (most small, a few large), the first municipality's
 * council holding exactly 2,000 candidates when the total allows; parties
 * with a position on every statement; every candidate published, with an
 * answer to every statement drawn near their party's position. The same
 * seed gives the same election.
 *
 * Rows are written straight into the database in large batches (one JSON
 * parameter per statement, see `insertRows`), one transaction per batch, not
 * through the package importer, which goes row by row.
 */

export interface GenerateInput {
  candidates: number;
  statements: number;
  slug: string;
  seed: number;
}

export interface GenerateProgress {
  candidates: number;
  answers: number;
  total: number;
}

export interface GenerateSummary {
  slug: string;
  races: number;
  parties: number;
  topics: number;
  statements: number;
  candidates: number;
  answers: number;
  /** The largest race (its slug and size) and the smallest size. */
  largestRace: { slug: string; size: number };
  smallestRace: number;
}

export type GenerateOutcome = { ok: true; summary: GenerateSummary } | { ok: false; problem: 'exists' };

/** The most candidates in one race; the first council race has exactly this many when the total allows. */
export const LARGEST_RACE = 2000;
/** The fewest candidates the generator accepts: one mayoral and one council race of two. */
export const MIN_CANDIDATES = 4;
/** Candidates written per transaction (with their answers: 100,000 rows at 40 statements). */
const BATCH = 2500;

const STATES = 'AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO'.split(' ');

const TOPICS = [
  { slug: 'meio-ambiente', name: { 'pt-BR': 'Meio ambiente', es: 'Medio ambiente', en: 'Environment' } },
  { slug: 'direitos-humanos', name: { 'pt-BR': 'Direitos humanos', es: 'Derechos humanos', en: 'Human rights' } },
  {
    slug: 'integridade-transparencia',
    name: { 'pt-BR': 'Integridade e transparência', es: 'Integridad y transparencia', en: 'Integrity and transparency' },
  },
  { slug: 'novas-economias', name: { 'pt-BR': 'Novas economias', es: 'Nuevas economías', en: 'New economies' } },
  { slug: 'saude-educacao', name: { 'pt-BR': 'Saúde e educação', es: 'Salud y educación', en: 'Health and education' } },
];

const OFFICES = {
  prefeito: { 'pt-BR': 'Prefeito(a)', es: 'Alcalde(sa)', en: 'Mayor' },
  vereador: { 'pt-BR': 'Vereador(a)', es: 'Concejal(a)', en: 'City council member' },
};

const FIRST_NAMES = (
  'Ana Antônio Beatriz Benedito Camila Carlos Cláudia Daniel Débora Eduardo Elisa Fábio Fernanda Gabriel Helena ' +
  'Henrique Isabela Jorge Juliana Kátia Leonardo Luana Marcos Maria Natália Otávio Patrícia Paulo Raimundo Renata ' +
  'Rodrigo Sandra Sebastião Tatiane Thiago Vanessa Vítor Yara'
).split(' ');
const SURNAMES = (
  'Almeida Alves Andrade Araújo Barbosa Barros Batista Cardoso Carvalho Castro Costa Dias Duarte Fagundes Ferreira ' +
  'Freitas Gomes Lima Lopes Machado Martins Melo Mendes Moreira Nascimento Nunes Oliveira Pereira Pinto Ramos Reis ' +
  'Ribeiro Rocha Santos Silva Soares Souza Teixeira Vieira'
).split(' ');
const GENDERS = [
  ['homem', 0.66],
  ['mulher', 0.335],
  ['não binário', 0.005],
] as const;
const RACE_COLORS = [
  ['branca', 0.48],
  ['parda', 0.39],
  ['preta', 0.11],
  ['amarela', 0.01],
  ['indígena', 0.01],
] as const;
const PARTY_COUNT = 30;
/** The scale of every generated statement. */
const SCALE = 5;

/** One race of the plan: municipality index, office and number of candidates. */
export interface PlannedRace {
  municipality: number;
  office: keyof typeof OFFICES;
  size: number;
}

/**
 * Race sizes summing to `candidates`: about one municipality per 90
 * candidates, each with a mayoral race of 2–8 and a council race of 2–2,000
 * from a log-normal spread; the first council race is the largest possible up
 * to 2,000.
 */
export function planRaces(input: { candidates: number; random: RandomSource }): PlannedRace[] {
  const { candidates, random } = input;
  if (!Number.isInteger(candidates) || candidates < MIN_CANDIDATES) throw new RangeError(`at least ${MIN_CANDIDATES} candidates`);
  const municipalities = Math.max(1, Math.floor(candidates / 90));
  let mayors = Array.from({ length: municipalities }, () => 2 + Math.floor(random() * random() * 7));
  if (sum(mayors) + 2 * municipalities > candidates) mayors = mayors.map(() => 2);
  const councilTotal = candidates - sum(mayors);
  const councils = new Array<number>(municipalities);
  councils[0] = Math.min(LARGEST_RACE, councilTotal - 2 * (municipalities - 1));
  const rest = councilTotal - councils[0];
  const weights = Array.from({ length: municipalities - 1 }, () => Math.exp(1.1 * normal(random)));
  // Scale the weights so the clamped, rounded sizes come as close to `rest` as a bisection gets them…
  const sizeAt = (factor: number, w: number) => Math.min(LARGEST_RACE, Math.max(2, Math.round(factor * w)));
  let low = 0;
  let high = rest;
  for (let step = 0; step < 60; step += 1) {
    const middle = (low + high) / 2;
    if (weights.reduce((total, w) => total + sizeAt(middle, w), 0) < rest) low = middle;
    else high = middle;
  }
  weights.forEach((w, i) => (councils[i + 1] = sizeAt(high, w)));
  // …then move the last few candidates one at a time.
  let missing = rest - sum(councils.slice(1));
  for (let i = 1; missing !== 0; i = i + 1 < municipalities ? i + 1 : 1) {
    const step = Math.sign(missing);
    const next = councils[i]! + step;
    if (next >= 2 && next <= LARGEST_RACE) {
      councils[i] = next;
      missing -= step;
    }
  }
  return mayors.flatMap((mayor, m) => [
    { municipality: m, office: 'prefeito' as const, size: mayor },
    { municipality: m, office: 'vereador' as const, size: councils[m]! },
  ]);
}

/**
 * Writes a synthetic election (see the top of this file); refuses when an
 * election already has the slug. Reports progress after each batch.
 */
export async function generateElection(
  deps: { db: Db; clock: Clock },
  input: GenerateInput,
  onProgress: (progress: GenerateProgress) => void = () => undefined,
): Promise<GenerateOutcome> {
  const { db } = deps;
  if (await db.selectFrom('elections').select('id').where('slug', '=', input.slug).executeTakeFirst()) {
    return { ok: false, problem: 'exists' };
  }
  const random = seededRandom(input.seed);
  const now = deps.clock.now().toISOString();
  const plan = planRaces({ candidates: input.candidates, random });
  const statementCount = input.statements;
  const topicCount = Math.min(TOPICS.length, statementCount);
  const width = Math.max(2, String(statementCount).length);
  const statementKeys = Array.from({ length: statementCount }, (_, s) => `s${String(s + 1).padStart(width, '0')}`);
  const municipalityWidth = String(plan.length / 2).length;
  const raceSlug = (race: PlannedRace) => `m${String(race.municipality + 1).padStart(municipalityWidth, '0')}-${race.office}`;
  // Each party's position on each statement, in [-1, 1]; party sizes fall off like 1/rank.
  const partyPositions = Array.from({ length: PARTY_COUNT }, () => Float64Array.from({ length: statementCount }, () => 2 * random() - 1));
  const partyWeights = Array.from({ length: PARTY_COUNT }, (_, p) => 1 / (p + 1));

  // The election and everything but its candidates, in one transaction.
  const ids = await db.transaction().execute(async (trx) => {
    const election = await trx
      .insertInto('elections')
      .values({
        slug: input.slug,
        name: JSON.stringify({
          'pt-BR': 'Eleição nacional sintética 2028',
          es: 'Elección nacional sintética 2028',
          en: 'Synthetic national election 2028',
        }),
        date: '2028-10-01',
        country: 'BR',
        scale: SCALE,
        min_answers: Math.min(5, statementCount),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const topics = await insertRows(trx, {
      table: 'topics',
      columns: { election_id: 'integer', slug: 'text', name: 'text', position: 'integer' },
      rows: TOPICS.slice(0, topicCount).map((t, position) => [election.id, t.slug, JSON.stringify(t.name), position]),
      returning: ['id', 'slug'],
    });
    const topicIds = TOPICS.slice(0, topicCount).map((t) => topics.find((row) => row.slug === t.slug)!.id);
    const statements = await insertRows(trx, {
      table: 'statements',
      columns: { election_id: 'integer', topic_id: 'integer', key: 'text', text: 'text', position: 'integer' },
      // Statements take turns between topics; questionnaire order is by topic, then position.
      rows: statementKeys.map((key, s) => {
        const topic = TOPICS[s % topicCount]!;
        const text = {
          'pt-BR': `Afirmação sintética ${s + 1} sobre ${topic.name['pt-BR'].toLowerCase()}.`,
          es: `Afirmación sintética ${s + 1} sobre ${topic.name.es.toLowerCase()}.`,
          en: `Synthetic statement ${s + 1} on ${topic.name.en.toLowerCase()}.`,
        };
        return [election.id, topicIds[s % topicCount], key, JSON.stringify(text), s];
      }),
      returning: ['id', 'key'],
    });
    const statementIds = new Map(statements.map((row) => [row.key, row.id]));
    const parties = await insertRows(trx, {
      table: 'parties',
      columns: { election_id: 'integer', slug: 'text', abbreviation: 'text', name: 'text', number: 'integer', position: 'integer' },
      rows: partyPositions.map((_, p) => [election.id, `p${10 + p}`, `PS${10 + p}`, `Partido Sintético ${10 + p}`, 10 + p, p]),
      returning: ['id', 'number'],
    });
    const raceRows = await insertRows(trx, {
      table: 'races',
      columns: { election_id: 'integer', slug: 'text', office: 'text', district: 'text', position: 'integer' },
      rows: plan.map((race, position) => [
        election.id,
        raceSlug(race),
        JSON.stringify(OFFICES[race.office]),
        JSON.stringify(`Município ${String(race.municipality + 1).padStart(municipalityWidth, '0')} (${STATES[race.municipality % STATES.length]})`),
        position,
      ]),
      returning: ['id', 'slug'],
    });
    const raceIds = new Map(raceRows.map((row) => [row.slug, row.id]));
    return {
      election: election.id,
      statements: statementKeys.map((key) => statementIds.get(key)!),
      parties: Array.from({ length: PARTY_COUNT }, (_, p) => parties.find((row) => row.number === 10 + p)!.id),
      races: plan.map((race) => raceIds.get(raceSlug(race))!),
    };
  });

  // Candidates and their answers, a batch per transaction.
  const keyWidth = String(input.candidates).length;
  let written = 0;
  let answers = 0;
  let batch: Array<{ key: string; row: unknown[]; answers: Array<[number, string | null]> }> = [];
  const write = async (current: typeof batch) => {
    await db.transaction().execute(async (trx) => {
      const inserted = await insertRows(trx, { table: 'candidates', columns: CANDIDATE_COLUMNS, rows: current.map((c) => c.row), returning: ['id', 'key'] });
      const idOf = new Map(inserted.map((row) => [row.key, row.id]));
      // Every published justification is kept under its SHA-256 too, where moderation and the history find it.
      const texts = current.flatMap((candidate) =>
        candidate.answers.flatMap(([, justification], s) => (justification === null ? [] : [[idOf.get(candidate.key)!, ids.statements[s]!, justification, textSha256(justification)] as const])),
      );
      await insertRows(trx, {
        table: 'answers',
        columns: { candidate_id: 'integer', statement_id: 'integer', value: 'integer', justification: 'text', justification_sha256: 'text', updated_at: 'text' },
        rows: current.flatMap((candidate) => {
          const id = idOf.get(candidate.key)!;
          return candidate.answers.map(([value, justification], s) => [id, ids.statements[s], value, justification, justification === null ? null : textSha256(justification), now]);
        }),
      });
      await insertRows(trx, {
        table: 'justification_texts',
        columns: { election_id: 'integer', candidate_id: 'integer', statement_id: 'integer', text: 'text', sha256: 'text', created_at: 'text' },
        rows: texts.map(([candidateId, statementId, text, sha256]) => [ids.election, candidateId, statementId, text, sha256, now]),
      });
    });
    written += current.length;
    answers += current.length * statementCount;
    onProgress({ candidates: written, answers, total: input.candidates });
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    await write(current);
  };

  // Each batch is one commit, synced once: 200 for 500,000 candidates.
  let position = 0;
  for (const [r, race] of plan.entries()) {
    for (let i = 0; i < race.size; i += 1) {
      position += 1;
      const key = `c${String(position).padStart(keyWidth, '0')}`;
      const party = pick(partyWeights, random);
      const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]!;
      const middle = SURNAMES[Math.floor(random() * SURNAMES.length)]!;
      const last = SURNAMES[Math.floor(random() * SURNAMES.length)]!;
      const ballotNumber = race.office === 'prefeito' ? String(10 + party) : `${10 + party}${String(1 + Math.floor(random() * 999)).padStart(3, '0')}`;
      // A candidate leans a little away from the party line on every statement.
      const lean = 0.25 * normal(random);
      const answers = Array.from(partyPositions[party]!, (partyPosition, s): [number, string | null] => {
        const x = partyPosition + lean + 0.45 * normal(random);
        const value = Math.min(SCALE, Math.max(1, Math.round(((x + 1) / 2) * (SCALE - 1)) + 1));
        return [value, random() < 0.05 ? `Justificativa sintética de ${key} para ${statementKeys[s]}.` : null];
      });
      batch.push({
        key,
        answers,
        row: [
          ids.election,
          key,
          String(250_000_000_000 + position),
          `${first} ${middle} ${last}`,
          `${first} ${last}`,
          ballotNumber,
          ids.parties[party],
          ids.races[r],
          'published',
          GENDERS[pickEntry(GENDERS, random)]![0],
          RACE_COLORS[pickEntry(RACE_COLORS, random)]![0],
          position,
          now,
          now,
          now,
        ],
      });
      if (batch.length >= BATCH) await flush();
    }
  }
  await flush();
  await bumpDataVersion(db, ids.election);

  const largest = plan.reduce((best, race) => (race.size > best.size ? race : best));
  return {
    ok: true,
    summary: {
      slug: input.slug,
      races: plan.length,
      parties: PARTY_COUNT,
      topics: topicCount,
      statements: statementCount,
      candidates: written,
      answers,
      largestRace: { slug: raceSlug(largest), size: largest.size },
      smallestRace: Math.min(...plan.map((race) => race.size)),
    },
  };
}

const CANDIDATE_COLUMNS: BulkColumns<'candidates'> = {
  election_id: 'integer',
  key: 'text',
  official_id: 'text',
  name: 'text',
  ballot_name: 'text',
  ballot_number: 'text',
  party_id: 'integer',
  race_id: 'integer',
  status: 'text',
  gender: 'text',
  race_color: 'text',
  position: 'integer',
  published_at: 'text',
  created_at: 'text',
  updated_at: 'text',
};

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** A standard normal draw (Box–Muller). */
function normal(random: RandomSource): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** An index drawn in proportion to the weights. */
function pick(weights: readonly number[], random: RandomSource): number {
  let rest = random() * sum(weights);
  for (const [index, weight] of weights.entries()) {
    rest -= weight;
    if (rest < 0) return index;
  }
  return weights.length - 1;
}

function pickEntry(entries: ReadonlyArray<readonly [string, number]>, random: RandomSource): number {
  return pick(
    entries.map((entry) => entry[1]),
    random,
  );
}
