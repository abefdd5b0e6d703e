import { createHash, randomBytes } from 'node:crypto';

/*
 * Secrets sent to people (invitation and reset links, session cookies): 256
 * random bits, URL-safe; only their SHA-256 is stored, so a copy of the
 * database does not let anyone in.
 */

export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a string has the shape of one of our tokens (43 base64url characters). */
export function looksLikeToken(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}
