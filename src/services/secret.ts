import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';

/**
 * The server secret that signs CSRF tokens: `SECRET` when configured,
 * otherwise one generated on first use and kept in the database, so every
 * process over the same database, and every restart, shares it.
 */
export async function serverSecret(db: Db, configured: string | null): Promise<string> {
  if (configured) return configured;
  const existing = await db.selectFrom('settings').select('value').where('key', '=', 'secret').executeTakeFirst();
  if (existing) return existing.value;
  const value = randomBytes(32).toString('base64url');
  // Two processes may race here: the first insert wins and both read it back.
  await db
    .insertInto('settings')
    .values({ key: 'secret', value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const stored = await db.selectFrom('settings').select('value').where('key', '=', 'secret').executeTakeFirstOrThrow();
  return stored.value;
}
