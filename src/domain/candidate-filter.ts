import type { Candidate, Party } from './election.js';

/**
 * Filters voters use to narrow lists of candidates (party, self-declared
 * gender and race/colour, LGBT+, collective candidacy, answered or not). They
 * change what is shown, never a score or a rank.
 */
export interface CandidateFilter {
  party?: string | undefined;
  gender?: string | undefined;
  raceColor?: string | undefined;
  lgbt?: boolean | undefined;
  collective?: boolean | undefined;
  answered?: boolean | undefined;
}

export interface FilterableCandidate {
  party: string | null;
  gender: string | null;
  raceColor: string | null;
  lgbt: boolean | null;
  collective: boolean | null;
  answered: boolean;
}

export function matchesFilter(candidate: FilterableCandidate, filter: CandidateFilter): boolean {
  if (filter.party !== undefined && candidate.party !== filter.party) return false;
  if (filter.gender !== undefined && candidate.gender !== filter.gender) return false;
  if (filter.raceColor !== undefined && candidate.raceColor !== filter.raceColor) return false;
  if (filter.lgbt && candidate.lgbt !== true) return false;
  if (filter.collective && candidate.collective !== true) return false;
  if (filter.answered !== undefined && candidate.answered !== filter.answered) return false;
  return true;
}

export function isFiltering(filter: CandidateFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined && value !== false);
}

/** A candidate as filters see it: party by slug, self-declared profile, whether they answered. */
export function filterable(candidate: Candidate, input: { parties: readonly Party[]; answered: boolean }): FilterableCandidate {
  const party = input.parties.find((p) => p.id === candidate.partyId);
  return {
    party: party?.slug ?? null,
    gender: candidate.profile.gender,
    raceColor: candidate.profile.raceColor,
    lgbt: candidate.profile.lgbt,
    collective: candidate.profile.collective,
    answered: input.answered,
  };
}
