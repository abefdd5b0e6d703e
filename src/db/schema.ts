import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/*
 * Table types for Kysely. Times are ISO 8601 UTC text; flags are integers 0/1;
 * localized texts and lists are JSON text. Rows never leave src/db: repositories
 * map them to domain types.
 */

/** An election: one questionnaire, one date, several races. */
export interface ElectionTable {
  id: Generated<number>;
  slug: string;
  /** Localized text as JSON: a string or an object keyed by locale. */
  name: string;
  date: string;
  country: string;
  scale: number;
  min_answers: number;
  questionnaire_open: Generated<number>;
  /** Raised whenever what voters are matched against changes; caches compare it. */
  data_version: Generated<number>;
  /** Raised with any of its races' answers versions: see the read model. */
  answers_version: Generated<number>;
  campaign_period: Generated<number>;
  /** `random`, or `underrepresented`: women, Black, brown and Indigenous, LGBT+ and collective candidacies first. */
  volunteer_priority: Generated<string>;
  created_at: string;
  updated_at: string;
}

export interface TopicTable {
  id: Generated<number>;
  election_id: number;
  slug: string;
  name: string;
  position: number;
}

export interface StatementTable {
  id: Generated<number>;
  election_id: number;
  topic_id: number;
  /** The statement id of the election package (`s01`), stable in URLs. */
  key: string;
  text: string;
  context: string | null;
  /** Overrides the election's scale when set. */
  scale: number | null;
  position: number;
}

export interface RaceTable {
  id: Generated<number>;
  election_id: number;
  slug: string;
  office: string;
  district: string;
  position: number;
  /** `<SG_UE>:<CD_CARGO>` for races from the electoral court's roster. */
  source_key: string | null;
  /** Raised whenever what the race's candidates publish changes; caches compare it. */
  answers_version: Generated<number>;
}

export interface PartyTable {
  id: Generated<number>;
  election_id: number;
  slug: string;
  abbreviation: string;
  name: string;
  number: number | null;
  position: number;
}

/** listed: on the roster only; invited; registered: has an account; published: answers public. */
export type CandidateStatus = 'listed' | 'invited' | 'registered' | 'published';

export interface CandidateTable {
  id: Generated<number>;
  election_id: number;
  /** The candidate id of the election package, stable in URLs. */
  key: string;
  official_id: string | null;
  name: string;
  ballot_name: string | null;
  ballot_number: string | null;
  party_id: number | null;
  race_id: number;
  status: Generated<CandidateStatus>;
  verified: Generated<number>;
  elected: Generated<number>;
  gender: string | null;
  race_color: string | null;
  /** `self` (the candidate's own declaration) or `court` (the electoral court's roster). */
  gender_source: string | null;
  race_color_source: string | null;
  lgbt: number | null;
  collective: number | null;
  bio: string | null;
  links: string | null;
  photo_url: string | null;
  email: string | null;
  position: number;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AnswerTable {
  id: Generated<number>;
  candidate_id: number;
  statement_id: number;
  value: number | null;
  /** The words; null when there are none, or once a redaction removed them. */
  justification: string | null;
  /** SHA-256 (hex, of the UTF-8 words) of the justification: still set once a redaction removed the words. */
  justification_sha256: string | null;
  /** Set by moderation (hiding) or a redaction: the justification is not shown, this public reason is. */
  hidden_reason: string | null;
  updated_at: string;
}

export interface AnswerDraftTable {
  id: Generated<number>;
  candidate_id: number;
  statement_id: number;
  value: number | null;
  justification: string | null;
  updated_at: string;
}

export interface AnswerHistoryTable {
  id: Generated<number>;
  election_id: number;
  seq: number;
  candidate_id: number;
  statement_id: number;
  /** 1 when there was an answer before the change (its value may be null: "preferred not to answer"), 0 when none. */
  old_answered: number;
  old_value: number | null;
  /** SHA-256 of the justification before the change, null when none; the words are in `justification_texts`. */
  old_text_sha256: string | null;
  new_answered: number;
  new_value: number | null;
  new_text_sha256: string | null;
  changed_at: string;
  prev_hash: string;
  hash: string;
  /** `candidate`, `import`, or `organizer` when an organizer acted at the candidate's request (who: audit log). */
  actor: Generated<string>;
}

/**
 * Every published justification, once per candidate and statement, under its
 * SHA-256: what the history and the public outputs read, where moderation
 * hides a text and a redaction removes its words for good.
 */
export interface JustificationTextTable {
  id: Generated<number>;
  election_id: number;
  candidate_id: number;
  statement_id: number;
  /** SHA-256 (hex) of the UTF-8 words: what the history chain commits to. */
  sha256: string;
  /** The words; null once redacted (a database trigger allows no other change). */
  text: string | null;
  /** Set while an organizer hides the text: the public reason shown in its place. */
  hidden_reason: string | null;
  /** Set by a redaction (permanent): the public reason shown in place of the removed words. */
  redacted_reason: string | null;
  redacted_at: string | null;
  created_at: string;
}

export interface UserTable {
  id: Generated<number>;
  email: string;
  password_hash: string | null;
  role: 'admin' | 'candidate' | 'volunteer';
  candidate_id: number | null;
  locale: Generated<string>;
  disabled: Generated<number>;
  created_at: string;
  /** A volunteer's name, shown to organizers. */
  name: string | null;
  /** When an organizer approved a volunteer; null while waiting. */
  approved_at: string | null;
  /**
   * When the owner of the e-mail address confirmed the account (a volunteer,
   * by the link e-mailed at sign-up or by a password reset); set at creation
   * for accounts made from an invitation or by an organizer. Null: nobody can
   * sign in to it yet.
   */
  confirmed_at: string | null;
}

export interface SessionTable {
  id_hash: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** For an organizer's session: the candidate they act for, at that candidate's request. */
  acting_candidate_id: number | null;
}

export interface ImportJobTable {
  id: string;
  election_id: number;
  kind: 'package' | 'tse';
  actor: string;
  status: 'running' | 'done' | 'failed';
  processed: number;
  /** JSON: the summary when done, the errors when failed. */
  summary: string | null;
  created_at: string;
  updated_at: string;
}

export interface CandidateLockTable {
  candidate_id: number;
  election_id: number;
  volunteer_id: number;
  created_at: string;
  expires_at: string;
}

export interface ContactAttemptTable {
  id: Generated<number>;
  election_id: number;
  candidate_id: number;
  volunteer_id: number;
  channel: string;
  outcome: string;
  note: string | null;
  created_at: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface InvitationTable {
  id: Generated<number>;
  token_hash: string;
  purpose: 'candidate' | 'admin' | 'volunteer' | 'reset';
  candidate_id: number | null;
  user_id: number | null;
  email: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** Who made it: `user:<id>` (an organizer or a volunteer), `cli`, or `reset-form`; null when made before this was recorded. */
  created_by: string | null;
}

export interface OutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  /** Once sent through SMTP, without the tokens of its links (services/mailer.ts). */
  body_text: string;
  created_at: string;
  sent_at: string | null;
  error: string | null;
  /**
   * `pending` for the sender, `sending` (claimed by a process), `sent`, `failed`,
   * or `manual`: without SMTP, an organizer reads it and passes it on.
   */
  delivery: Generated<OutboxDelivery>;
  /** When a process claimed it for sending; a claim older than a few minutes is taken over. */
  claimed_at: string | null;
}

export type OutboxDelivery = 'pending' | 'sending' | 'sent' | 'failed' | 'manual';

export interface ModerationLogTable {
  id: Generated<number>;
  election_id: number;
  candidate_id: number;
  statement_id: number;
  action: 'hide' | 'restore';
  reason: string;
  actor_user_id: number | null;
  created_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  election_id: number | null;
  actor: string;
  action: string;
  details: string | null;
  created_at: string;
}

/** One recorded vote of a chamber on a bill (SPEC §6.4); `key` is the files' vote_id. */
export interface RollCallTable {
  id: Generated<number>;
  election_id: number;
  key: string;
  /** YYYY-MM-DD. */
  date: string;
  chamber: string;
  bill: string;
  title: string;
  created_at: string;
  updated_at: string;
}

/** How one candidate voted in one roll call. */
export interface RollCallVoteTable {
  id: Generated<number>;
  roll_call_id: number;
  candidate_id: number;
  vote: 'yes' | 'no' | 'abstain' | 'absent';
}

/** An organizer's link from a statement to a roll call that tests it (SPEC §5.8). */
/** A rate limit's count for one key in its window (see web/middleware/rate-limit-store.ts). */
export interface RateLimitTable {
  /** The limit's prefix and a keyed hash of what it counts. */
  key: string;
  hits: number;
  reset_at: string;
}

export interface RollCallLinkTable {
  id: Generated<number>;
  statement_id: number;
  roll_call_id: number;
  /** 1: a yes vote agrees with the statement; −1: a yes vote disagrees with it. */
  direction: number;
  /** Public: why this vote tests this statement. */
  explanation: Generated<string>;
  created_at: string;
  updated_at: string;
}

/** The whole database as Kysely sees it. */
export interface Database {
  elections: ElectionTable;
  topics: TopicTable;
  statements: StatementTable;
  races: RaceTable;
  parties: PartyTable;
  candidates: CandidateTable;
  answers: AnswerTable;
  answer_drafts: AnswerDraftTable;
  answer_history: AnswerHistoryTable;
  justification_texts: JustificationTextTable;
  users: UserTable;
  sessions: SessionTable;
  invitations: InvitationTable;
  outbox: OutboxTable;
  moderation_log: ModerationLogTable;
  audit_log: AuditLogTable;
  settings: SettingTable;
  import_jobs: ImportJobTable;
  candidate_locks: CandidateLockTable;
  contact_attempts: ContactAttemptTable;
  roll_calls: RollCallTable;
  roll_call_votes: RollCallVoteTable;
  roll_call_links: RollCallLinkTable;
  rate_limits: RateLimitTable;
}

export type ElectionRow = Selectable<ElectionTable>;
export type NewElectionRow = Insertable<ElectionTable>;
export type ElectionUpdate = Updateable<ElectionTable>;
export type CandidateRow = Selectable<CandidateTable>;
export type AnswerRow = Selectable<AnswerTable>;
export type AnswerHistoryRow = Selectable<AnswerHistoryTable>;
