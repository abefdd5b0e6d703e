import { z } from 'zod';
import { Slug, StatementId, VoteId } from './ids.js';

/* Parameters and forms of the organizers' roll-call pages. Bodies are urlencoded; `_csrf` is checked before these run. */

export const VotesParams = z.object({ election: Slug });
export type VotesParams = z.infer<typeof VotesParams>;

export const LinkParams = z.object({ election: Slug, statement: StatementId, vote: VoteId });
export type LinkParams = z.infer<typeof LinkParams>;

/** What a yes vote means for the statement, and why the vote tests it (public). */
export const LinkFields = z.strictObject({
  direction: z.enum(['1', '-1']).transform((value) => (value === '1' ? 1 : -1) as 1 | -1),
  explanation: z.string().trim().min(1).max(2000),
  _csrf: z.string().optional(),
});
export type LinkFields = z.infer<typeof LinkFields>;

/** A new link: which statement, which roll call. */
export const NewLinkForm = LinkFields.extend({ statement: StatementId, vote: VoteId });
export type NewLinkForm = z.infer<typeof NewLinkForm>;

/** Notices after a redirect. */
export const VotesQuery = z.object({ done: z.enum(['saved', 'removed']).optional().catch(undefined) });
export type VotesQuery = z.infer<typeof VotesQuery>;
