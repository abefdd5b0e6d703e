import { z } from 'zod';
import { METHODS, MISSING_POLICIES } from '../../domain/matching.js';
import { CandidateId, Slug } from './ids.js';

/* Inputs of the voter's pages and the match API (SPEC §5.6, §5.7). */

const seed = z.string().regex(/^\d{1,10}$/).transform(Number).refine((n) => n <= 0xffffffff);

/**
 * The result URL's query. Syntax only: whether `a` fits the election's
 * statements is checked against the election. Values that do not parse are
 * reported on the form, so every field is optional here.
 */
export const ResultsQuery = z.object({
  race: Slug.optional(),
  a: z.string().max(2000).regex(/^[1-7-]*$/).optional(),
  w: z.string().max(2000).regex(/^[0-2]*$/).optional(),
  m: z.enum(METHODS).optional(),
  miss: z.enum(MISSING_POLICIES).optional(),
  seed: seed.optional(),
});
export type ResultsQuery = z.infer<typeof ResultsQuery>;

/** `/compare?c=ID,ID[,…]` (or `c` repeated, as a form sends it), with the voter's optional answers. */
export const CompareQuery = z.object({
  c: z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      [...new Set((Array.isArray(value) ? value : [value]).flatMap((part) => part.split(',')).map((id) => id.trim()).filter(Boolean))],
    )
    .pipe(z.array(CandidateId).min(1).max(10)),
  race: Slug.optional(),
  a: z.string().max(2000).regex(/^[1-7-]*$/).optional(),
  w: z.string().max(2000).regex(/^[0-2]*$/).optional(),
});
export type CompareQuery = z.infer<typeof CompareQuery>;

/** POST /api/v1/elections/:election/match. */
export const MatchBody = z.strictObject({
  race: Slug.optional(),
  answers: z.record(z.string().max(100), z.number().int().min(1).max(7).nullable()),
  weights: z.record(z.string().max(100), z.union([z.literal(0), z.literal(1), z.literal(2)])).optional(),
  method: z.enum(METHODS).default('cityblock'),
  missing: z.enum(MISSING_POLICIES).default('penalty'),
});
export type MatchBody = z.infer<typeof MatchBody>;

/** `/card?c=ID,ID…` (or `c` repeated): the candidates a voter picked for the ballot. */
export const CardQuery = z.object({
  c: z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      [...new Set((Array.isArray(value) ? value : [value]).flatMap((part) => part.split(',')).map((id) => id.trim()).filter(Boolean))],
    )
    .pipe(z.array(CandidateId).max(30)),
});
