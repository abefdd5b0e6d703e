import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { ID_PATTERN, SLUG_PATTERN } from '../domain/ids.js';
import { LOCALES, type LocalizedText } from '../domain/locale.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

/*
 * The election package (SPEC §6.1, `concordo.election/1`): the zod schema for
 * its shape, and the checks across its parts (references, duplicates, answers
 * within each statement's scale). Validation collects every fault with the
 * place it sits, so an organizer fixes a file in one pass.
 */

export const PACKAGE_FORMAT = 'concordo.election/1';

/** One fault in a package: where (`candidates[12].answers.s07.value`), which kind, and its details. */
export interface PackageError {
  path: string;
  code: PackageErrorCode;
  params: Record<string, string | number>;
}

export const PACKAGE_ERROR_CODES = [
  'invalid_json',
  'too_deep',
  'nul_character',
  'required',
  'expected_type',
  'unknown_key',
  'empty',
  'too_long',
  'unknown_locale',
  'not_integer',
  'below_minimum',
  'above_maximum',
  'outside_scale',
  'expected_one_of',
  'bad_slug',
  'bad_date',
  'bad_country',
  'bad_url',
  'bad_ballot_number',
  'duplicate',
  'dangling',
] as const;
export type PackageErrorCode = (typeof PACKAGE_ERROR_CODES)[number];

const localizedText = z.unknown().superRefine((value, ctx) => {
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', params: { code: 'required' } });
    return;
  }
  if (typeof value === 'string') {
    if (value.trim() === '') ctx.addIssue({ code: 'custom', params: { code: 'empty' } });
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', params: { code: 'expected_type', type: 'localized_text' } });
    return;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) ctx.addIssue({ code: 'custom', params: { code: 'empty' } });
  for (const [locale, text] of entries) {
    if (!(LOCALES as readonly string[]).includes(locale)) {
      ctx.addIssue({ code: 'custom', path: [locale], params: { code: 'unknown_locale', locale } });
    } else if (typeof text !== 'string') {
      ctx.addIssue({ code: 'custom', path: [locale], params: { code: 'expected_type', type: 'string' } });
    } else if (text.trim() === '') {
      ctx.addIssue({ code: 'custom', path: [locale], params: { code: 'empty' } });
    }
  }
}) as unknown as z.ZodType<LocalizedText>;

const text = (max: number) => z.string().trim().min(1, 'empty').max(max, 'too_long');
const slug = z.string().regex(SLUG_PATTERN, 'bad_slug');
const id = z.string().regex(ID_PATTERN, 'bad_slug');
const httpUrl = z
  .string()
  .max(2000, 'too_long')
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'bad_url');
const isoDate = z.string().refine((value) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}, 'bad_date');
const scale = z.number().int('not_integer').min(2).max(7);

const electionSchema = z.strictObject({
  slug,
  name: localizedText,
  date: isoDate,
  country: z.string().regex(/^[A-Z]{2}$/, 'bad_country'),
  scale,
  minAnswers: z.number().int('not_integer').min(1).max(1000).default(5),
});

const topicSchema = z.strictObject({ slug, name: localizedText });

const statementSchema = z.strictObject({
  id,
  topic: z.string(),
  text: localizedText,
  context: localizedText.optional(),
  scale: scale.optional(),
});

const raceSchema = z.strictObject({ slug, office: localizedText, district: localizedText });

const partySchema = z.strictObject({
  slug,
  abbreviation: text(30),
  name: text(200),
  number: z.number().int('not_integer').min(0).max(99999).optional(),
});

const answerSchema = z.strictObject({
  value: z.number().int('not_integer').nullable(),
  justification: text(5000).optional(),
  /** The organizers' public reason for hiding the justification; exports give it instead of the hidden words. */
  hiddenReason: text(500).optional(),
});

const profileSchema = z.strictObject({
  gender: text(60).optional(),
  raceColor: text(60).optional(),
  lgbt: z.boolean().optional(),
  collective: z.boolean().optional(),
  bio: text(5000).optional(),
  links: z.array(httpUrl).max(20).optional(),
  photoUrl: httpUrl.optional(),
});

const candidateSchema = z.strictObject({
  id,
  officialId: text(60).optional(),
  name: text(200),
  ballotName: text(200).optional(),
  ballotNumber: z.string().regex(/^\d{1,10}$/, 'bad_ballot_number').optional(),
  party: z.string().optional(),
  race: z.string(),
  elected: z.boolean().default(false),
  profile: profileSchema.optional(),
  answers: z.record(z.string(), answerSchema).optional(),
});

export const electionPackageSchema = z.strictObject({
  format: z.literal(PACKAGE_FORMAT),
  election: electionSchema,
  topics: z.array(topicSchema),
  statements: z.array(statementSchema),
  races: z.array(raceSchema),
  parties: z.array(partySchema),
  candidates: z.array(candidateSchema),
});

export type ElectionPackage = z.output<typeof electionPackageSchema>;
export type PackageCandidate = ElectionPackage['candidates'][number];
export type PackageAnswer = z.output<typeof answerSchema>;
export type PackageProfile = z.output<typeof profileSchema>;

export type ValidationResult = { ok: true; value: ElectionPackage } | { ok: false; errors: PackageError[] };

/** Checks a parsed JSON value against the format and across its parts; collects every fault. */
export function validatePackage(input: unknown): ValidationResult {
  const parsed = electionPackageSchema.safeParse(input, { reportInput: true });
  const errors = parsed.success ? [] : parsed.error.issues.flatMap(toPackageErrors);
  errors.push(...crossReferenceErrors(input));
  if (errors.length > 0) return { ok: false, errors: dedupe(errors) };
  if (!parsed.success) throw new Error('unreachable: schema failed without issues');
  return { ok: true, value: parsed.data };
}

/** Parses the text of a package file; a JSON syntax error is reported with its line and column. */
export function parsePackageText(source: string): ValidationResult {
  const read = readPackageJson(source);
  return read.ok ? validatePackage(read.json) : read;
}

/**
 * The JSON value of a package file, not yet checked against the format: a
 * syntax error is reported with its line and column, nesting deeper than any
 * package needs before anything walks it.
 */
export function readPackageJson(source: string): { ok: true; json: unknown } | { ok: false; errors: PackageError[] } {
  const text = source.replace(/^\uFEFF/, '');
  if (nestsDeeperThan(text)) return { ok: false, errors: [{ path: '', code: 'too_deep', params: { max: MAX_JSON_DEPTH } }] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse does not say where; a tolerant parser finds the first fault's offset.
    const faults: ParseError[] = [];
    parseJsonc(text, faults, { disallowComments: true, allowTrailingComma: false });
    const offset = faults[0]?.offset ?? text.length;
    const before = text.slice(0, offset).split('\n');
    const params = {
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
      detail: faults[0] ? printParseErrorCode(faults[0].error) : 'InvalidJson',
    };
    return { ok: false, errors: [{ path: '', code: 'invalid_json', params }] };
  }
  // "\u0000" is valid JSON but no text has a use for it, and PostgreSQL cannot store it.
  const nul = findNul(json);
  if (nul) return { ok: false, errors: [{ path: formatPath(nul), code: 'nul_character', params: {} }] };
  return { ok: true, json };
}

/** The path of the first key or string holding a NUL character (in document order), or null. */
function findNul(root: unknown): PropertyKey[] | null {
  // A stack rather than recursion, so that no depth of input exhausts the call stack.
  const pending: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: root, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) pending.push({ value: value[index], path: [...path, index] });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      const badKey = entries.find(([key]) => key.includes('\u0000'));
      if (badKey) return [...path, badKey[0]];
      for (let index = entries.length - 1; index >= 0; index -= 1) pending.push({ value: entries[index]![1], path: [...path, entries[index]![0]] });
    }
  }
  return null;
}

/** `candidates[12].answers.s07.value` from a path of keys and indexes. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_][\w-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

function toPackageErrors(issue: z.core.$ZodIssue): PackageError[] {
  const path = formatPath(issue.path);
  const at = (code: PackageErrorCode, params: Record<string, string | number> = {}): PackageError[] => [
    { path, code, params },
  ];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), code: 'unknown_key', params: { key } }));
    case 'invalid_type':
      if (issue.input === undefined) return at('required');
      if (isPackageCode(issue.message)) return at(issue.message, { got: describe(issue.input) });
      return at('expected_type', { type: issue.expected, got: describe(issue.input) });
    case 'invalid_value':
      return at('expected_one_of', { values: issue.values.map((v) => JSON.stringify(v)).join(', ') });
    case 'too_small':
      if (isPackageCode(issue.message)) return at(issue.message, { min: Number(issue.minimum) });
      return at('below_minimum', { min: Number(issue.minimum), got: describe(issue.input) });
    case 'too_big':
      if (isPackageCode(issue.message)) return at(issue.message, { max: Number(issue.maximum) });
      return at('above_maximum', { max: Number(issue.maximum), got: describe(issue.input) });
    case 'custom': {
      const params = (issue.params ?? {}) as Record<string, string | number>;
      const code = params.code;
      if (typeof code === 'string' && isPackageCode(code)) {
        const { code: _code, ...rest } = params;
        return at(code, rest);
      }
      return at(isPackageCode(issue.message) ? issue.message : 'expected_type', { got: describe(issue.input) });
    }
    default:
      return at(isPackageCode(issue.message) ? issue.message : 'expected_type', { got: describe(issue.input) });
  }
}

function isPackageCode(value: unknown): value is PackageErrorCode {
  return typeof value === 'string' && (PACKAGE_ERROR_CODES as readonly string[]).includes(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 40 ? `${json.slice(0, 37)}…` : json;
}

function dedupe(errors: PackageError[]): PackageError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}|${error.code}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => value !== null && typeof value === 'object' && !Array.isArray(value);
const listOf = (value: unknown): Loose[] => (Array.isArray(value) ? value : []).map((item) => (isObject(item) ? item : {}));

/*
 * Checks that need more than one part of the package. They read the raw input
 * defensively, so they also run on a package whose shape has faults and the
 * organizer sees every fault at once.
 */
function crossReferenceErrors(input: unknown): PackageError[] {
  if (!isObject(input)) return [];
  const errors: PackageError[] = [];
  const election = isObject(input.election) ? input.election : {};
  const validScale = (k: unknown): k is number => Number.isInteger(k) && (k as number) >= 2 && (k as number) <= 7;
  const electionScale = validScale(election.scale) ? election.scale : null;

  const index = (section: string, key: string) => {
    const seen = new Map<string, number>();
    listOf(input[section]).forEach((item, i) => {
      const value = item[key];
      if (typeof value !== 'string') return;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, i);
      else
        errors.push({
          path: formatPath([section, i, key]),
          code: 'duplicate',
          params: { id: value, first: formatPath([section, first]) },
        });
    });
    return seen;
  };
  const topics = index('topics', 'slug');
  const statements = index('statements', 'id');
  const races = index('races', 'slug');
  const parties = index('parties', 'slug');
  index('candidates', 'id');
  index('candidates', 'officialId');

  const reference = (section: string, i: number, key: string, targets: Map<string, number>, kind: string) => {
    const value = listOf(input[section])[i]?.[key];
    if (typeof value === 'string' && !targets.has(value)) {
      errors.push({ path: formatPath([section, i, key]), code: 'dangling', params: { kind, id: value } });
    }
  };

  const statementScales = new Map<string, number | null>();
  listOf(input.statements).forEach((statement, i) => {
    reference('statements', i, 'topic', topics, 'topic');
    if (typeof statement.id === 'string' && !statementScales.has(statement.id)) {
      // Where a scale is itself faulty the answers cannot be checked against it.
      const own = statement.scale;
      statementScales.set(statement.id, own === undefined ? electionScale : validScale(own) ? own : null);
    }
  });

  const ballotNumbers = new Map<string, string>();
  listOf(input.candidates).forEach((candidate, i) => {
    reference('candidates', i, 'race', races, 'race');
    reference('candidates', i, 'party', parties, 'party');
    if (typeof candidate.ballotNumber === 'string' && typeof candidate.race === 'string') {
      const key = `${candidate.race}\u0000${candidate.ballotNumber}`;
      const first = ballotNumbers.get(key);
      const here = formatPath(['candidates', i]);
      if (first === undefined) ballotNumbers.set(key, here);
      else
        errors.push({
          path: `${here}.ballotNumber`,
          code: 'duplicate',
          params: { id: candidate.ballotNumber, first },
        });
    }
    if (!isObject(candidate.answers)) return;
    for (const [statementId, answer] of Object.entries(candidate.answers)) {
      const where = ['candidates', i, 'answers', statementId] as const;
      if (!statements.has(statementId)) {
        errors.push({ path: formatPath(where), code: 'dangling', params: { kind: 'statement', id: statementId } });
        continue;
      }
      const value = isObject(answer) ? answer.value : undefined;
      const k = statementScales.get(statementId);
      if (typeof value === 'number' && Number.isInteger(value) && typeof k === 'number' && (value < 1 || value > k)) {
        errors.push({
          path: formatPath([...where, 'value']),
          code: 'outside_scale',
          params: { value, max: k },
        });
      }
    }
  });
  return errors;
}

/** One line for an organizer: `candidates[12].answers.s07.value: 9 is outside the 1–5 scale`. */
export function describePackageError(
  error: PackageError,
  translate: (key: string, params: Record<string, string | number>) => string,
): string {
  const params = { ...error.params };
  if (error.code === 'dangling' && typeof params.kind === 'string') {
    params.kind = translate(`package.kind.${params.kind}`, {});
  }
  const message = translate(`package.error.${error.code}`, params);
  return error.path === '' ? message : `${error.path}: ${message}`;
}
