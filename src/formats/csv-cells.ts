/*
 * CSV cells that a spreadsheet would run as a formula (OWASP "CSV
 * Injection"): Excel, LibreOffice and Google Sheets read a cell starting
 * with =, +, -, @, a tab or a carriage return as a formula, and a formula
 * can send the sheet's contents to a website or start a program. Such text
 * is written with a leading apostrophe, which the spreadsheet shows as text
 * and does not display.
 *
 * Only text cells are changed. Numbers the service writes itself (an
 * answer's value, a scale, a link's direction −1, counts, a coherence) are
 * not formulas, and an apostrophe would turn them into text in the sheet: a
 * column declared numeric keeps a cell that is a plain number as it is, and
 * anything else in it is treated as text all the same.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

/** A text cell as a spreadsheet will show it, never run it. */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** A row with every text cell neutralised; cells of the `numeric` columns that are plain numbers stay as they are. */
export function spreadsheetSafeRow<C extends string>(row: Readonly<Record<C, string>>, numeric: ReadonlySet<C>): Record<C, string> {
  const safe = {} as Record<C, string>;
  for (const column of Object.keys(row) as C[]) {
    const cell = row[column];
    safe[column] = numeric.has(column) && PLAIN_NUMBER.test(cell) ? cell : neutraliseFormula(cell);
  }
  return safe;
}
