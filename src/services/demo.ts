import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/client.js';
import type { Clock } from '../domain/clock.js';
import { PROJECT_ROOT } from '../project-root.js';
import { importElectionPackage, type ImportOutcome } from './election-packages.js';

/** The demo election package shipped in fixtures/. */
export const DEMO_PACKAGE_PATH = path.join(PROJECT_ROOT, 'fixtures', 'demo-election.json');

/** Loads (or reloads) the demo election. */
export async function seedDemo(deps: { db: Db; clock: Clock }, actor = 'seed-demo'): Promise<ImportOutcome> {
  const source = await readFile(DEMO_PACKAGE_PATH, 'utf8');
  return importElectionPackage(deps, { source, actor });
}

/** Loads the demo election when the database has no election at all (a first start). */
export async function seedDemoIfEmpty(deps: { db: Db; clock: Clock }): Promise<ImportOutcome | null> {
  const any = await deps.db.selectFrom('elections').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  return seedDemo(deps);
}
