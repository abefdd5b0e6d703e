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

/** What a token looks like inside a text: 32 or more URL-safe base64 characters in a row. */
const TOKEN_IN_TEXT = /[A-Za-z0-9_-]{32,}/g;

/**
 * The text with every token-like run of characters replaced by `…`: what is
 * kept of an e-mail once it is sent, so that its links no longer work.
 */
export function withoutTokens(text: string): string {
  return text.replace(TOKEN_IN_TEXT, '…');
}
