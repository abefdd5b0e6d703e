import { countByDimension, listChanges, listModeration, listNotPublished, listStatementAnswers, type Dimension } from '../db/repositories/transparency.js';
import type { ElectionDetail, Race, Statement } from '../domain/election.js';
import { shuffle, type RandomSource } from '../domain/fairness.js';
import { distribution, type DistributionRow } from '../domain/distribution.js';
import { topicMeans } from '../domain/topic-matrix.js';
import { matchesFilter, type CandidateFilter } from '../domain/candidate-filter.js';
import type { PageSource, ReadModel } from '../read-model/read-model.js';

/* What the statement, transparency and topic-matrix views show. */

export interface StatementPage {
  election: ElectionDetail;
  statement: Statement;
  race: Race | null;
  partyId: number | null;
  /** Every candidate in the filter, in a random order. */
  answers: Awaited<ReturnType<typeof listStatementAnswers>>;
  /** By party (null: no party), in the election's party order. */
  byParty: Array<DistributionRow<number | null>>;
}

export async function statementPage(
  { db, readModel }: PageSource,
  input: { election: string; statement: string; race?: string | undefined; party?: string | undefined; filter?: CandidateFilter; random: RandomSource },
): Promise<StatementPage | null> {
  const election = await readModel.detail(input.election);
  const statement = election?.statements.find((s) => s.key === input.statement);
  if (!election || !statement) return null;
  const race = input.race === undefined ? null : (election.races.find((r) => r.slug === input.race) ?? null);
  const party = input.party === undefined ? null : (election.parties.find((p) => p.slug === input.party) ?? null);
  if ((input.race !== undefined && !race) || (input.party !== undefined && !party)) return null;
  const partySlugs = new Map(election.parties.map((p) => [p.id, p.slug]));
  const answers = (
    await listStatementAnswers(db, {
      electionId: election.id,
      statementId: statement.id,
      raceId: race?.id,
      partyId: party?.id,
    })
  ).filter((a) => matchesFilter({ ...a, party: a.partyId === null ? null : (partySlugs.get(a.partyId) ?? null), answered: a.candidatePublished }, input.filter ?? {}));
  const partyOrder = new Map<number | null, number>(election.parties.map((p, i) => [p.id, i]));
  const byParty = distribution(
    statement.scale,
    answers.map((a) => ({ group: a.partyId, answered: a.answered, value: a.value })),
  ).sort((a, b) => (partyOrder.get(a.key) ?? Infinity) - (partyOrder.get(b.key) ?? Infinity));
  return { election, statement, race, partyId: party?.id ?? null, answers: shuffle(answers, input.random), byParty };
}

/** Candidates × topics of a race: each cell the mean position of the candidate's answers on that topic. */
export async function raceTopicMatrix(readModel: ReadModel, input: { election: string; race: string }) {
  const found = await readModel.race(input.election, input.race);
  if (!found?.race) return null;
  const means = topicMeans(found.election.questionnaire, found.race.matrix);
  return {
    election: found.election,
    race: found.race,
    rows: found.race.candidates.map((candidate, row) => ({ candidate, means: means[row]! })),
  };
}

export interface RateRow {
  key: string | null;
  total: number;
  invited: number;
  registered: number;
  published: number;
}

/** Candidates counted by status, where invited includes those who went further, and so on. */
function rates(counts: Array<{ key: string | null; status: string; count: number }>): RateRow[] {
  const rows = new Map<string | null, RateRow>();
  for (const { key, status, count } of counts) {
    const row = rows.get(key) ?? { key, total: 0, invited: 0, registered: 0, published: 0 };
    row.total += count;
    if (status !== 'listed') row.invited += count;
    if (status === 'registered' || status === 'published') row.registered += count;
    if (status === 'published') row.published += count;
    rows.set(key, row);
  }
  return [...rows.values()];
}

export const PAGE_SIZE = 50;

export async function transparencyPage({ db, readModel }: PageSource, input: { election: string; notAnsweredPage: number; changesPage: number }) {
  const election = await readModel.detail(input.election);
  if (!election) return null;
  const dimensions: Dimension[] = ['race', 'party', 'gender', 'race_color'];
  const [race, party, gender, raceColor] = await Promise.all(dimensions.map(async (d) => rates(await countByDimension(db, election.id, d))));
  const notPublished = await listNotPublished(db, { electionId: election.id, offset: (input.notAnsweredPage - 1) * PAGE_SIZE, limit: PAGE_SIZE });
  const changes = await listChanges(db, { electionId: election.id, offset: (input.changesPage - 1) * PAGE_SIZE, limit: PAGE_SIZE });
  return {
    election,
    byRace: race!,
    byParty: party!,
    byGender: gender!,
    byRaceColor: raceColor!,
    notPublished,
    changes,
    moderation: await listModeration(db, election.id),
  };
}
