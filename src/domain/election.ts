import type { LocalizedText } from './locale.js';

/*
 * The shapes the rest of the program speaks in (see CONTEXT.md for the words).
 * Ids are the database's; `slug` and `key` are the stable public ids used in
 * URLs and election packages.
 */

export interface Election {
  id: number;
  slug: string;
  name: LocalizedText;
  /** Election day, YYYY-MM-DD. */
  date: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Default number of scale points (2–7) for statements that do not set their own. */
  scale: number;
  /** Fewer counted answers than this give no results (SPEC §5.3). */
  minAnswers: number;
  questionnaireOpen: boolean;
}

export interface Topic {
  id: number;
  slug: string;
  name: LocalizedText;
}

export interface Statement {
  id: number;
  /** Public id, e.g. `s01`. */
  key: string;
  topicId: number;
  text: LocalizedText;
  context: LocalizedText | null;
  /** Number of scale points in force for this statement (its own or the election's). */
  scale: number;
}

export interface Race {
  id: number;
  slug: string;
  office: LocalizedText;
  district: LocalizedText;
}

export interface Party {
  id: number;
  slug: string;
  abbreviation: string;
  name: string;
  number: number | null;
}

export type CandidateStatus = 'listed' | 'invited' | 'registered' | 'published';

export interface CandidateProfile {
  gender: string | null;
  raceColor: string | null;
  /** `self` (declared by the candidate) or `court` (the electoral court's roster); null when unknown. */
  genderSource: 'self' | 'court' | null;
  raceColorSource: 'self' | 'court' | null;
  lgbt: boolean | null;
  collective: boolean | null;
  bio: string | null;
  links: string[];
  photoUrl: string | null;
}

export interface Candidate {
  id: number;
  /** Public id, stable in URLs. */
  key: string;
  officialId: string | null;
  name: string;
  /** The name on the ballot; falls back to the full name. */
  ballotName: string;
  ballotNumber: string | null;
  partyId: number | null;
  raceId: number;
  status: CandidateStatus;
  verified: boolean;
  elected: boolean;
  profile: CandidateProfile;
  publishedAt: string | null;
}

/** A candidate's working answer: value null means "no answer" chosen on purpose. */
export interface DraftAnswer {
  statementId: number;
  value: number | null;
  justification: string | null;
}

/** A candidate's published answer; `value` null means they chose "no answer". */
export interface Answer {
  statementId: number;
  value: number | null;
  justification: string | null;
  /** Set when an organizer hid the justification; the reason shows in its place. */
  hiddenReason: string | null;
}

/** A justification of the change history, as everyone may see it. */
export interface RecordedText {
  /** SHA-256 of the words: what the history chain commits to. */
  sha256: string;
  /** The words; null while hidden, and for good once redacted. */
  text: string | null;
  /** The organizers' public reason, shown in place of hidden or redacted words. */
  reason: string | null;
  /** `hidden` by moderation (reversible), `redacted` (removed for good), or null when shown. */
  withheld: 'hidden' | 'redacted' | null;
}

/** One side of a change: the answer before it, or after. */
export interface HistorySide {
  /** Whether there was an answer at all; its value may be null ("preferred not to answer"). */
  answered: boolean;
  value: number | null;
  justification: RecordedText | null;
}

/** One public change of a published answer. */
export interface HistoryEntry {
  seq: number;
  statementId: number;
  old: HistorySide;
  new: HistorySide;
  changedAt: string;
  hash: string;
  /** Who made the change: `candidate`, `import`, or `organizer` (at the candidate's request). */
  actor: string;
}

/** An election with its questionnaire (topics and statements, in questionnaire order): what a candidate answers. */
export interface ElectionQuestionnaire extends Election {
  topics: Topic[];
  statements: Statement[];
}

/** An election with everything its pages need: the questionnaire, the races and the parties. */
export interface ElectionDetail extends ElectionQuestionnaire {
  races: Race[];
  parties: Party[];
}

/** The race/colour categories of Brazil's census (IBGE), as stored; anything else is shown as written. */
export const RACE_COLORS: readonly string[] = ['branca', 'preta', 'parda', 'amarela', 'indígena'];

/** The message key naming a stored race/colour in the reader's language, or null for a value outside the categories. */
export function raceColorMessageKey(value: string): string | null {
  return RACE_COLORS.includes(value) ? `raceColor.${value}` : null;
}
