import type { Candidate } from '../../domain/election.js';
import type { Db } from '../client.js';
import { findRaceCandidates } from './candidates.js';

/**
 * A race's candidates and their published answers packed for matching: row c,
 * column s (questionnaire order) at `values[c * statementCount + s]`, 0 where
 * there is no answer or the candidate chose "no answer". Candidates who have
 * not published have an empty row.
 */
export async function loadRaceAnswers(
  db: Db,
  input: { raceId: number; statementIds: readonly number[] },
): Promise<{ candidates: Candidate[]; values: Uint8Array }> {
  const candidates = await findRaceCandidates(db, input.raceId);
  const statementCount = input.statementIds.length;
  const values = new Uint8Array(candidates.length * statementCount);
  const column = new Map(input.statementIds.map((id, index) => [id, index]));
  const row = new Map(candidates.map((c, index) => [c.id, index]));
  const rows = await db
    .selectFrom('answers')
    .innerJoin('candidates', 'candidates.id', 'answers.candidate_id')
    .select(['answers.candidate_id', 'answers.statement_id', 'answers.value'])
    .where('candidates.race_id', '=', input.raceId)
    .where('candidates.status', '=', 'published')
    .where('answers.value', 'is not', null)
    .execute();
  for (const answer of rows) {
    const c = row.get(answer.candidate_id);
    const s = column.get(answer.statement_id);
    if (c === undefined || s === undefined || answer.value === null) continue;
    values[c * statementCount + s] = answer.value;
  }
  return { candidates, values };
}
