import { z } from 'zod';
import { CandidateId, Slug, StatementId } from './ids.js';

/* Parameters and queries of the public pages. */

export const ElectionParams = z.object({ election: Slug });
export type ElectionParams = z.infer<typeof ElectionParams>;

export const RaceParams = z.object({ election: Slug, race: Slug });
export type RaceParams = z.infer<typeof RaceParams>;

export const CandidateParams = z.object({ election: Slug, id: CandidateId });
export type CandidateParams = z.infer<typeof CandidateParams>;

/** `seed` fixes the random order of unranked lists, so an order can be reproduced and shared. */
export const OrderQuery = z.object({
  seed: z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number)
    .refine((n) => n <= 0xffffffff)
    .optional()
    .catch(undefined),
});
export type OrderQuery = z.infer<typeof OrderQuery>;

export const StatementParams = z.object({ election: Slug, id: StatementId });
export type StatementParams = z.infer<typeof StatementParams>;

/** Filters of the statement page; an empty select means "all". */
export const StatementQuery = OrderQuery.extend({
  race: Slug.optional().catch(undefined),
  party: Slug.optional().catch(undefined),
});
export type StatementQuery = z.infer<typeof StatementQuery>;

const page = z.coerce.number().int().min(1).max(100_000).catch(1).default(1);
export const TransparencyQuery = z.object({ np: page, cp: page });
export type TransparencyQuery = z.infer<typeof TransparencyQuery>;

/** Candidate filters in the URL: `party`, `gender`, `rc` (race/colour), `lgbt=1`, `coll=1`, `ans=yes|no`. Bad values are ignored. */
export const FilterQuery = z.object({
  party: Slug.optional().catch(undefined),
  gender: z.string().trim().min(1).max(60).optional().catch(undefined),
  rc: z.string().trim().min(1).max(60).optional().catch(undefined),
  lgbt: z.literal('1').optional().catch(undefined),
  coll: z.literal('1').optional().catch(undefined),
  ans: z.enum(['yes', 'no']).optional().catch(undefined),
});
export type FilterQuery = z.infer<typeof FilterQuery>;

export function filterFromQuery(query: FilterQuery) {
  return {
    party: query.party,
    gender: query.gender,
    raceColor: query.rc,
    lgbt: query.lgbt === '1' ? true : undefined,
    collective: query.coll === '1' ? true : undefined,
    answered: query.ans === undefined ? undefined : query.ans === 'yes',
  };
}

/** Order and party filter of the elected page; anything else means the default (a random order, every party). */
export const ElectedQuery = OrderQuery.extend({
  sort: z.enum(['name', 'coherence', 'party']).optional().catch(undefined),
  party: Slug.optional().catch(undefined),
});
export type ElectedQuery = z.infer<typeof ElectedQuery>;
