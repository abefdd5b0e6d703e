import type { Db } from '../db/client.js';
import { findElectedCandidates, listPublishedAnswersOf } from '../db/repositories/candidates.js';
import { listLinks, listRollCalls, listVotes } from '../db/repositories/roll-calls.js';
import {
  assessCoherence,
  type LinkDirection,
  type PairOutcome,
  type RollCall,
  type RollCallVote,
} from '../domain/coherence.js';
import type { Answer, Candidate, ElectionDetail, Party, Statement } from '../domain/election.js';
import { shuffle, type RandomSource } from '../domain/fairness.js';
import type { PageSource } from '../read-model/read-model.js';
import { rankWithTies } from '../domain/matching.js';

/*
 * Promise coherence (SPEC §5.8) for the candidate pages, the elected page, the
 * API, the CSV download and the embed: every one of them reads it from here,
 * so they show the same pairs and the same figures.
 */

/** A statement an organizer linked to a roll call, with the roll call itself. */
export interface CoherenceLink {
  statement: Statement;
  rollCall: RollCall & { votes: Record<RollCallVote, number> };
  direction: LinkDirection;
  explanation: string;
}

/** One link as it bears on one candidate. */
export interface CoherencePair extends CoherenceLink {
  /** The published answer, or null when the candidate has none to this statement. */
  answer: Answer | null;
  /** The candidate's recorded vote, or null when the roll call holds none. */
  vote: RollCallVote | null;
  outcome: PairOutcome;
}

export interface CandidateCoherence {
  candidate: Candidate;
  /** One per link, in link order. */
  pairs: CoherencePair[];
  counted: number;
  consistent: number;
  /** consistent / counted, or null when fewer than three pairs count. */
  coherence: number | null;
  percent: number | null;
}

export interface ElectionCoherence {
  election: ElectionDetail;
  /** Every roll call of the election, newest first. */
  rollCalls: Array<RollCall & { votes: Record<RollCallVote, number> }>;
  /** In questionnaire order of the statements. */
  links: CoherenceLink[];
  /** Every elected candidate, in the election's order. */
  candidates: CandidateCoherence[];
}

/** The coherence of every elected candidate of an election; null when there is no such election. */
export async function electionCoherence({ db, readModel }: PageSource, slug: string): Promise<ElectionCoherence | null> {
  const election = await readModel.detail(slug);
  if (!election) return null;
  const candidates = await findElectedCandidates(db, election.id);
  return { election, ...(await assess(db, election, candidates)) };
}

/** One candidate's pairs and coherence; null unless the candidate is elected. */
export async function candidateCoherence(db: Db, input: { election: ElectionDetail; candidate: Candidate }): Promise<CandidateCoherence | null> {
  if (!input.candidate.elected) return null;
  const { candidates } = await assess(db, input.election, [input.candidate]);
  return candidates[0] ?? null;
}

async function assess(db: Db, election: ElectionDetail, candidates: readonly Candidate[]) {
  const [rollCalls, storedLinks] = await Promise.all([listRollCalls(db, election.id), listLinks(db, election.id)]);
  const statements = new Map(election.statements.map((s) => [s.id, s]));
  const rollCallsById = new Map(rollCalls.map((r) => [r.id, r]));
  const links: CoherenceLink[] = storedLinks.flatMap((link) => {
    const statement = statements.get(link.statementId);
    const rollCall = rollCallsById.get(link.rollCallId);
    return statement && rollCall ? [{ statement, rollCall, direction: link.direction, explanation: link.explanation }] : [];
  });
  const candidateIds = candidates.map((c) => c.id);
  const [answers, votes] = await Promise.all([
    listPublishedAnswersOf(db, { candidateIds, statementIds: [...new Set(links.map((l) => l.statement.id))] }),
    listVotes(db, { candidateIds, rollCallIds: [...new Set(links.map((l) => l.rollCall.id))] }),
  ]);
  const answerOf = new Map(answers.map((a) => [`${a.candidateId}:${a.statementId}`, a]));
  const voteOf = new Map(votes.map((v) => [`${v.candidateId}:${v.rollCallId}`, v.vote]));
  return {
    rollCalls,
    links,
    candidates: candidates.map((candidate): CandidateCoherence => {
      const result = assessCoherence(
        links.map((link) => {
          const published = answerOf.get(`${candidate.id}:${link.statement.id}`) ?? null;
          return {
            link,
            published,
            scale: link.statement.scale,
            answer: published?.value,
            direction: link.direction,
            vote: voteOf.get(`${candidate.id}:${link.rollCall.id}`) ?? null,
          };
        }),
      );
      return {
        candidate,
        pairs: result.pairs.map((pair) => ({ ...pair.link, answer: pair.published, vote: pair.vote, outcome: pair.outcome })),
        counted: result.counted,
        consistent: result.consistent,
        coherence: result.coherence,
        percent: result.percent,
      };
    }),
  };
}

export const ELECTED_SORTS = ['name', 'coherence', 'party'] as const;
export type ElectedSort = (typeof ELECTED_SORTS)[number];

export interface ElectedPage extends ElectionCoherence {
  party: Party | null;
  /** The candidates in the filter and order asked for; rank is given when sorting by coherence. */
  rows: Array<CandidateCoherence & { rank: number | null }>;
}

/**
 * The elected candidates, filtered by party and ordered: by name, by party
 * (then name), by coherence (highest first; ties share a rank in a seeded
 * order, candidates without a figure after them in a seeded order), or, with
 * no sort asked, in a seeded random order (SPEC §2). Null when the election,
 * or the party asked for, does not exist.
 */
export async function electedPage(
  source: PageSource,
  input: { election: string; party?: string | undefined; sort?: ElectedSort | undefined; random: RandomSource; locale: string },
): Promise<ElectedPage | null> {
  const coherence = await electionCoherence(source, input.election);
  if (!coherence) return null;
  const party = input.party === undefined ? null : (coherence.election.parties.find((p) => p.slug === input.party) ?? null);
  if (input.party !== undefined && !party) return null;
  const chosen = coherence.candidates.filter((c) => party === null || c.candidate.partyId === party.id);
  const collator = new Intl.Collator(input.locale, { sensitivity: 'base' });
  const byName = (a: CandidateCoherence, b: CandidateCoherence) => collator.compare(a.candidate.ballotName, b.candidate.ballotName);
  const abbreviations = new Map(coherence.election.parties.map((p) => [p.id, p.abbreviation]));
  const partyOf = (c: CandidateCoherence) => (c.candidate.partyId === null ? null : (abbreviations.get(c.candidate.partyId) ?? null));
  let rows: Array<CandidateCoherence & { rank: number | null }>;
  if (input.sort === 'coherence') {
    const scored = chosen.filter((c) => c.coherence !== null).map((c) => ({ ...c, score: c.coherence!, rank: 0 }));
    const ranked = rankWithTies(scored, input.random).map(({ score: _score, ...c }) => c);
    rows = [...ranked, ...shuffle(chosen.filter((c) => c.coherence === null), input.random).map((c) => ({ ...c, rank: null }))];
  } else if (input.sort === 'name') {
    rows = [...chosen].sort(byName).map((c) => ({ ...c, rank: null }));
  } else if (input.sort === 'party') {
    rows = [...chosen]
      .sort((a, b) => {
        const pa = partyOf(a);
        const pb = partyOf(b);
        if (pa !== pb) return pa === null ? 1 : pb === null ? -1 : collator.compare(pa, pb);
        return byName(a, b);
      })
      .map((c) => ({ ...c, rank: null }));
  } else {
    rows = shuffle(chosen, input.random).map((c) => ({ ...c, rank: null }));
  }
  return { ...coherence, party, rows };
}
