import type { CandidateStatus } from './election.js';

/** How many candidates there are and how many published their answers. */
export interface ResponseRate {
  total: number;
  published: number;
  /** published / total as a whole percent, rounded half up; null when there are no candidates. */
  percent: number | null;
}

export function responseRate(statuses: Iterable<{ status: CandidateStatus | string; count: number }>): ResponseRate {
  let total = 0;
  let published = 0;
  for (const { status, count } of statuses) {
    total += count;
    if (status === 'published') published += count;
  }
  return { total, published, percent: total === 0 ? null : Math.floor((100 * published) / total + 0.5) };
}
