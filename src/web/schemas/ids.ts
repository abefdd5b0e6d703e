import { z } from 'zod';
import { ID_PATTERN, SLUG_PATTERN } from '../../domain/ids.js';

/* The names in URLs and forms, one rule each (domain/ids.ts). */

/** An election's, race's, topic's or party's slug. */
export const Slug = z.string().regex(SLUG_PATTERN).max(100);

/** A statement's public id. */
export const StatementId = z.string().regex(ID_PATTERN).max(100);

/** A candidate's public id. */
export const CandidateId = z.string().regex(ID_PATTERN).max(100);

/** A roll call's id. */
export const VoteId = z.string().regex(ID_PATTERN).max(100);
