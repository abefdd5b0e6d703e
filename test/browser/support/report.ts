import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPORTS = fileURLToPath(new URL('../../../test-results/browser/', import.meta.url));

/** Writes what a suite measured to `test-results/browser/<name>.json` (not in git), for review. */
export function writeReport(name: string, data: unknown): void {
  mkdirSync(REPORTS, { recursive: true });
  writeFileSync(path.join(REPORTS, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
}
