import { position } from './matching.js';

/**
 * How a candidate's answer stands to a voter's on one statement, for the
 * side-by-side comparison: `same` answer; `near` (same side, or one of the two
 * neutral); `opposite` sides; `missing` when the candidate gave no answer;
 * null when the voter did not answer.
 */
export type AgreementMark = 'same' | 'near' | 'opposite' | 'missing';

export function agreementMark(input: { voter: number | null; candidate: number | null; scale: number }): AgreementMark | null {
  if (input.voter === null) return null;
  if (input.candidate === null) return 'missing';
  if (input.voter === input.candidate) return 'same';
  const product = position(input.voter, input.scale) * position(input.candidate, input.scale);
  return product < 0 ? 'opposite' : 'near';
}
