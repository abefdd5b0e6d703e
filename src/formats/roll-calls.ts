import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ROLL_CALL_VOTES, type LinkDirection, type RollCallVote } from '../domain/coherence.js';
import { ID_PATTERN } from '../domain/ids.js';

/*
 * The roll-call files (SPEC §6.4), CSV in UTF-8 with a header row:
 * `votes.csv` (vote_id, date, chamber, bill, title, official_id, vote), one row
 * per member and roll call, and `links.csv` (statement_id, vote_id, direction,
 * and optionally explanation), one row per statement a roll call tests.
 * Every row is checked with zod; every fault is kept with its file, line and
 * column, so an organizer fixes both files in one pass.
 */

/** One member's vote in one roll call, as the file says it. */
export interface VoteRow {
  line: number;
  voteId: string;
  date: string;
  chamber: string;
  bill: string;
  title: string;
  officialId: string;
  vote: RollCallVote;
}

/** A link from a statement to a roll call, as the file says it; explanation null when the file gives none. */
export interface LinkRow {
  line: number;
  statementId: string;
  voteId: string;
  direction: LinkDirection;
  explanation: string | null;
}

export const ROLL_CALL_ERROR_CODES = [
  'not_utf8',
  'empty_file',
  'malformed',
  'missing_columns',
  'unknown_column',
  'required',
  'too_long',
  'bad_id',
  'bad_date',
  'bad_vote',
  'bad_direction',
  'conflicting_roll_call',
  'duplicate_vote',
  'duplicate_link',
  'unknown_statement',
  'unknown_roll_call',
] as const;
export type RollCallErrorCode = (typeof ROLL_CALL_ERROR_CODES)[number];

/** One fault: the file's name, the line (1 is the header), the column when one is at fault. */
export interface RollCallFileError {
  file: string;
  line: number;
  column: string | null;
  code: RollCallErrorCode;
  params: Record<string, string | number>;
}

export const VOTE_COLUMNS = ['vote_id', 'date', 'chamber', 'bill', 'title', 'official_id', 'vote'] as const;
export const LINK_COLUMNS = ['statement_id', 'vote_id', 'direction'] as const;
const LINK_OPTIONAL_COLUMNS = ['explanation'] as const;

const text = (max: number) => z.string().trim().min(1, 'required').max(max, 'too_long');
const id = z.string().trim().min(1, 'required').max(100, 'too_long').regex(ID_PATTERN, 'bad_id');
const date = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'bad_date')
  .refine((value) => {
    const time = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(time.getTime()) && time.toISOString().startsWith(value);
  }, 'bad_date');

const VoteRecord = z.object({
  vote_id: id,
  date,
  chamber: text(200),
  bill: text(200),
  title: text(1000),
  official_id: text(40),
  vote: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(ROLL_CALL_VOTES, { error: 'bad_vote' })),
});

const LinkRecord = z.object({
  statement_id: id,
  vote_id: id,
  direction: z
    .string()
    .trim()
    .pipe(z.enum(['1', '+1', '-1'], { error: 'bad_direction' }))
    .transform((value): LinkDirection => (value === '-1' ? -1 : 1)),
  explanation: z
    .string()
    .trim()
    .max(2000, 'too_long')
    .optional()
    .transform((value) => (value === undefined || value === '' ? null : value)),
});

/** Where bad values are quoted in messages, they are cut to this many characters. */
const QUOTED = 60;

/** Reads votes.csv. `file` names the file in messages. */
export function readVotesFile(content: Buffer | string, file: string): { rows: VoteRow[]; errors: RollCallFileError[] } {
  const rows: VoteRow[] = [];
  const errors: RollCallFileError[] = [];
  // A roll call is described once: every row of one vote_id must repeat the same date, chamber, bill and title.
  const rollCalls = new Map<string, { line: number; fields: string }>();
  const votes = new Map<string, number>();
  for (const record of readRecords({ content, file, required: VOTE_COLUMNS, optional: [], errors })) {
    const parsed = VoteRecord.safeParse(record.values);
    if (!parsed.success) {
      errors.push(...fieldErrors(parsed.error, record, file));
      continue;
    }
    const v = parsed.data;
    const fields = JSON.stringify([v.date, v.chamber, v.bill, v.title]);
    const first = rollCalls.get(v.vote_id);
    if (!first) rollCalls.set(v.vote_id, { line: record.line, fields });
    else if (first.fields !== fields) {
      errors.push({ file, line: record.line, column: null, code: 'conflicting_roll_call', params: { id: v.vote_id, first: first.line } });
      continue;
    }
    const voteKey = `${v.vote_id}\u0000${v.official_id}`;
    const firstVote = votes.get(voteKey);
    if (firstVote !== undefined) {
      errors.push({ file, line: record.line, column: 'official_id', code: 'duplicate_vote', params: { id: v.official_id, vote: v.vote_id, first: firstVote } });
      continue;
    }
    votes.set(voteKey, record.line);
    rows.push({ line: record.line, voteId: v.vote_id, date: v.date, chamber: v.chamber, bill: v.bill, title: v.title, officialId: v.official_id, vote: v.vote });
  }
  return { rows, errors };
}

/** Reads links.csv. `file` names the file in messages. */
export function readLinksFile(content: Buffer | string, file: string): { rows: LinkRow[]; errors: RollCallFileError[] } {
  const rows: LinkRow[] = [];
  const errors: RollCallFileError[] = [];
  const seen = new Map<string, number>();
  for (const record of readRecords({ content, file, required: LINK_COLUMNS, optional: LINK_OPTIONAL_COLUMNS, errors })) {
    const parsed = LinkRecord.safeParse(record.values);
    if (!parsed.success) {
      errors.push(...fieldErrors(parsed.error, record, file));
      continue;
    }
    const l = parsed.data;
    const key = `${l.statement_id}\u0000${l.vote_id}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ file, line: record.line, column: null, code: 'duplicate_link', params: { statement: l.statement_id, vote: l.vote_id, first } });
      continue;
    }
    seen.set(key, record.line);
    rows.push({ line: record.line, statementId: l.statement_id, voteId: l.vote_id, direction: l.direction, explanation: l.explanation });
  }
  return { rows, errors };
}

interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

/** The records of a CSV file as column → cell; file-level faults go to `errors` and end the reading. */
function readRecords(input: {
  content: Buffer | string;
  file: string;
  required: readonly string[];
  optional: readonly string[];
  errors: RollCallFileError[];
}): CsvRecord[] {
  const { file, errors } = input;
  const fault = (line: number, code: RollCallErrorCode, params: Record<string, string | number> = {}, column: string | null = null) => {
    errors.push({ file, line, column, code, params });
    return [];
  };
  let text: string;
  if (typeof input.content === 'string') text = input.content;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input.content);
    } catch {
      // The lenient decoding keeps the line breaks: the first replacement character shows where the bytes went wrong.
      const lenient = new TextDecoder('utf-8').decode(input.content);
      return fault(lenient.slice(0, lenient.indexOf('\ufffd')).split('\n').length, 'not_utf8');
    }
  }

  // Where the last complete record ended: a broken record starts on the next line.
  let lastLine = 0;
  const starts: number[] = [];
  let cells: string[][];
  try {
    cells = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      on_record: (record: string[], context: { lines: number }) => {
        starts.push(lastLine + 1);
        lastLine = context.lines;
        // NUL characters mean nothing in text, and PostgreSQL cannot store them: dropped.
        return record.map((cell) => cell.replaceAll('\u0000', ''));
      },
    }) as string[][];
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('CSV_')) {
      return fault(lastLine + 1, 'malformed');
    }
    throw error;
  }
  const [header, ...records] = cells;
  if (!header) return fault(1, 'empty_file');
  const names = header.map((name) => name.trim().toLowerCase());
  const missing = input.required.filter((name) => !names.includes(name));
  if (missing.length > 0) return fault(1, 'missing_columns', { columns: missing.join(', ') });
  const known = new Set([...input.required, ...input.optional]);
  const unknown = names.find((name, index) => !known.has(name) || names.indexOf(name) !== index);
  if (unknown !== undefined) return fault(1, 'unknown_column', {}, unknown);
  return records.map((record, index) => ({
    line: starts[index + 1]!,
    values: Object.fromEntries(names.map((name, column) => [name, record[column]!])),
  }));
}

function fieldErrors(error: z.ZodError, record: CsvRecord, file: string): RollCallFileError[] {
  return error.issues.map((issue) => {
    const column = String(issue.path[0] ?? '');
    const code = (ROLL_CALL_ERROR_CODES as readonly string[]).includes(issue.message) ? (issue.message as RollCallErrorCode) : 'required';
    const value = record.values[column] ?? '';
    const params: Record<string, string | number> = { value: value.length > QUOTED ? `${value.slice(0, QUOTED)}…` : value };
    if (issue.code === 'too_big') params.max = Number(issue.maximum);
    return { file, line: record.line, column, code, params };
  });
}

/** A fault in words: `votes.csv, line 7, vote: “maybe” must be yes, no, abstain or absent`. */
export function describeRollCallError(
  error: RollCallFileError,
  translate: (key: string, params: Record<string, string | number>) => string,
): string {
  const where = translate(error.column === null ? 'votes.error.where' : 'votes.error.whereColumn', {
    file: error.file,
    line: error.line,
    column: error.column ?? '',
  });
  return `${where}: ${translate(`votes.error.${error.code}`, error.params)}`;
}
