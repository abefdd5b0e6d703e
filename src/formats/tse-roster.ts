import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { z } from 'zod';

/*
 * The Brazilian electoral court's candidate files (`consulta_cand_YYYY_UF.csv`,
 * SPEC §6.2): ISO-8859-1, `;`-separated, quoted or not, CRLF or LF, columns
 * found by their header name (sets and order vary by year). `#NULO#`, `#NULO`,
 * `#NE` and negative codes are blanks.
 */

/** One usable roster row. */
export interface RosterRow {
  line: number;
  officialId: string;
  name: string;
  ballotName: string | null;
  ballotNumber: string | null;
  unitCode: string;
  unitName: string;
  state: string | null;
  officeCode: string;
  officeName: string;
  partyNumber: number | null;
  partyAbbreviation: string | null;
  partyName: string | null;
  gender: string | null;
  raceColor: string | null;
  elected: boolean | null;
  email: string | null;
  /** The round (NR_TURNO): a candidate in a runoff has a row for each round. */
  round: number | null;
}

export type RosterRejection = { line: number; reason: RejectionReason; params: Record<string, string | number> };
export type RejectionReason = 'no_official_id' | 'bad_official_id' | 'no_name' | 'no_race' | 'duplicate';

/** A fault that makes the whole file unusable, with the line where it was found. */
export class RosterFileError extends Error {
  override readonly name = 'RosterFileError';
  constructor(
    readonly code: 'missing_columns' | 'malformed' | 'empty' | 'unreadable',
    readonly line: number,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} at line ${line}`);
  }
}

const REQUIRED = ['SQ_CANDIDATO', 'NM_CANDIDATO'] as const;
/** Results that count as elected (DS_SIT_TOT_TURNO). */
const ELECTED = new Set(['ELEITO', 'ELEITO POR QP', 'ELEITO POR MÉDIA', 'ELEITO POR MEDIA']);
// "2º TURNO" (went to a runoff) is not a final result: the runoff round's row says how it ended.
const NOT_ELECTED = new Set(['NÃO ELEITO', 'NAO ELEITO', 'SUPLENTE']);

const email = z.email();

/** The value, or null for the court's blank markers. NUL characters mean nothing in text (and PostgreSQL cannot store them): dropped. */
export function blank(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.replaceAll('\u0000', '').trim();
  if (v === '' || v === '#NULO#' || v === '#NULO' || v === '#NE' || /^-\d+$/.test(v)) return null;
  return v;
}

/**
 * Reads a roster file, calling `row` for each usable row and `reject` for rows
 * that cannot be used (with the reason). Throws RosterFileError for a file
 * that cannot be read as a roster at all (missing columns, broken quoting,
 * rows of the wrong length), naming the line.
 */
export async function readRoster(
  file: string,
  handlers: { row: (row: RosterRow) => void | Promise<void>; reject: (rejection: RosterRejection) => void },
): Promise<{ rows: number }> {
  const parser = createReadStream(file, { encoding: 'latin1' }).pipe(
    parse({ delimiter: ';', quote: '"', bom: true, skip_empty_lines: true, relax_column_count: false, info: true, trim: false }),
  );
  let columns: Map<string, number> | null = null;
  let rows = 0;
  // Where the last complete record ended: a broken record starts on the next line
  // (an unclosed quote is only noticed at the end of the file).
  let lastLine = 0;
  const seen = new Map<string, number>();
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = lastLine + 1;
      lastLine = record.info.lines;
      const cells = record.record;
      if (!columns) {
        columns = new Map(cells.map((name, index) => [name.trim().toUpperCase(), index]));
        const missing = REQUIRED.filter((name) => !columns!.has(name));
        if (!columns.has('SG_UE') && !columns.has('NM_UE')) missing.push('SG_UE | NM_UE' as never);
        if (!columns.has('CD_CARGO') && !columns.has('DS_CARGO')) missing.push('CD_CARGO | DS_CARGO' as never);
        if (missing.length > 0) throw new RosterFileError('missing_columns', line, { columns: missing.join(', ') });
        continue;
      }
      rows += 1;
      const get = (name: string) => {
        const index = columns!.get(name);
        return index === undefined ? null : blank(cells[index]);
      };
      const officialId = get('SQ_CANDIDATO');
      if (!officialId) {
        handlers.reject({ line, reason: 'no_official_id', params: {} });
        continue;
      }
      if (!/^\d{1,20}$/.test(officialId)) {
        handlers.reject({ line, reason: 'bad_official_id', params: { value: officialId } });
        continue;
      }
      // A runoff candidate has one row per round; the same candidate twice in one round is an error.
      const round = Number(get('NR_TURNO') ?? 1);
      const seenKey = `${officialId}:${round}`;
      const first = seen.get(seenKey);
      if (first !== undefined) {
        handlers.reject({ line, reason: 'duplicate', params: { id: officialId, first } });
        continue;
      }
      seen.set(seenKey, line);
      const name = get('NM_CANDIDATO');
      if (!name) {
        handlers.reject({ line, reason: 'no_name', params: { id: officialId } });
        continue;
      }
      const unitCode = get('SG_UE') ?? get('NM_UE');
      const unitName = get('NM_UE') ?? get('SG_UE');
      const officeCode = get('CD_CARGO') ?? get('DS_CARGO');
      const officeName = get('DS_CARGO') ?? get('CD_CARGO');
      if (!unitCode || !unitName || !officeCode || !officeName) {
        handlers.reject({ line, reason: 'no_race', params: { id: officialId } });
        continue;
      }
      const result = get('DS_SIT_TOT_TURNO')?.toUpperCase() ?? null;
      const partyNumber = get('NR_PARTIDO');
      const mail = get('NM_EMAIL') ?? get('DS_EMAIL');
      await handlers.row({
        line,
        officialId,
        name,
        ballotName: get('NM_URNA_CANDIDATO'),
        ballotNumber: get('NR_CANDIDATO'),
        unitCode,
        unitName,
        state: get('SG_UF'),
        officeCode,
        officeName,
        partyNumber: partyNumber && /^\d+$/.test(partyNumber) ? Number(partyNumber) : null,
        partyAbbreviation: get('SG_PARTIDO'),
        partyName: get('NM_PARTIDO'),
        gender: cleanDeclared(get('DS_GENERO')),
        raceColor: cleanDeclared(get('DS_COR_RACA')),
        elected: result === null ? null : ELECTED.has(result) ? true : NOT_ELECTED.has(result) ? false : null,
        email: mail && email.safeParse(mail.toLowerCase()).success ? mail.toLowerCase() : null,
        round: Number.isFinite(round) ? round : null,
      });
    }
  } catch (error) {
    if (error instanceof RosterFileError) throw error;
    const lines = (error as { lines?: number }).lines;
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new RosterFileError('unreadable', 0, { reason: code });
    if (typeof lines === 'number') throw new RosterFileError('malformed', lastLine + 1, { detail: code ?? 'CSV' });
    throw error;
  }
  if (!columns) throw new RosterFileError('empty', 1);
  return { rows };
}

/** The court's self-declared values, lower-cased; "NÃO DIVULGÁVEL" / "NÃO INFORMADO" count as blank. */
function cleanDeclared(value: string | null): string | null {
  if (!value) return null;
  const v = value.toLocaleLowerCase('pt-BR');
  return /^n[ãa]o (divulg|inform)/.test(v) ? null : v;
}
