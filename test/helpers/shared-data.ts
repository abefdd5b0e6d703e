import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Real election data sets kept beside the project, at `../shared/data` from
 * the repository root (see that folder's README). They are not part of the
 * repository: tests that read them skip, with a message, where they are absent.
 */

/** The repository root: this file sits at `test/helpers/`. */
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `../shared/data` from the repository root. */
export const SHARED_DATA_DIR = path.resolve(repositoryRoot, '..', 'shared', 'data');

/** A path inside the shared data folder. */
export function sharedDataPath(...parts: string[]): string {
  return path.join(SHARED_DATA_DIR, ...parts);
}

/** Whether a sub-folder of the shared data (e.g. `wahl-o-mat`) is present. */
export function hasSharedData(subfolder: string): boolean {
  try {
    return statSync(sharedDataPath(subfolder)).isDirectory();
  } catch {
    return false;
  }
}

/** A JSON file of the shared data, parsed. */
export function readSharedJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(sharedDataPath(...parts), 'utf8')) as T;
}

/**
 * Parses CSV text (RFC 4180): comma-separated, fields optionally in double
 * quotes, a doubled quote inside quotes is one quote, quoted fields may hold
 * commas and line breaks; LF or CRLF line ends; a leading BOM is dropped; a
 * final line break does not make an empty row.
 */
export function parseCsv(text: string, separator = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (i < n) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += char;
      i += 1;
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
    } else if (char === separator) {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (char === '\r' && text[i + 1] === '\n') i += 1;
    } else {
      field += char;
    }
    i += 1;
  }
  if (quoted) throw new Error('CSV: unterminated quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** CSV text as records keyed by the header row's names; a row of another width is an error. */
export function parseCsvRecords(text: string, separator = ','): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text, separator);
  if (!header) return [];
  return rows.map((cells, index) => {
    if (cells.length !== header.length) {
      throw new Error(`CSV: row ${index + 2} has ${cells.length} fields, the header has ${header.length}`);
    }
    return Object.fromEntries(header.map((name, column) => [name, cells[column]!]));
  });
}

/** A CSV file of the shared data (UTF-8) as records. */
export function readSharedCsv(...parts: string[]): Array<Record<string, string>> {
  return parseCsvRecords(readFileSync(sharedDataPath(...parts), 'utf8'));
}
