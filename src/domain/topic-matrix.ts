import { position, type CandidateMatrix, type MatchQuestionnaire } from './matching.js';

/**
 * A race's topic matrix: for each candidate and topic, the mean position
 * (SPEC §5.2, −1/2 … +1/2) of the candidate's answers to that topic's
 * statements; null where they answered none of them.
 */
export function topicMeans(questionnaire: MatchQuestionnaire, matrix: CandidateMatrix): Array<Array<number | null>> {
  const statementCount = questionnaire.scales.length;
  const rows: Array<Array<number | null>> = [];
  const sums = new Float64Array(questionnaire.topicCount);
  const counts = new Uint32Array(questionnaire.topicCount);
  for (let c = 0; c < matrix.candidateCount; c += 1) {
    sums.fill(0);
    counts.fill(0);
    for (let s = 0; s < statementCount; s += 1) {
      const value = matrix.values[c * statementCount + s]!;
      if (value === 0) continue;
      const topic = questionnaire.topics[s]!;
      sums[topic]! += position(value, questionnaire.scales[s]!);
      counts[topic]! += 1;
    }
    rows.push(Array.from(sums, (sum, t) => (counts[t]! > 0 ? sum / counts[t]! : null)));
  }
  return rows;
}

/** A mean position as a whole number from −100 (full disagreement) to +100 (full agreement). */
export function agreementIndex(meanPosition: number): number {
  return Math.round(meanPosition * 200);
}
