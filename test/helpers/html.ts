import * as cheerio from 'cheerio';
import type { Response } from 'supertest';
import { expect } from 'vitest';

/** The checks every HTML page must pass: status, type, language, title and the strict security headers. */
export function expectStrictHtmlPage(res: Response, expected: { status?: number; lang: string; signedInArea?: boolean }) {
  expect(res.status).toBe(expected.status ?? 200);
  expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
  const $ = cheerio.load(res.text);
  expect($('html').attr('lang')).toBe(expected.lang);
  expect($('title').text().trim().length).toBeGreaterThan(0);
  expect($('h1').length).toBe(1);
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  // Only the signed-in areas may set cookies (session, CSRF); voter pages never do.
  if (!expected.signedInArea) expect(res.headers['set-cookie']).toBeUndefined();
  return $;
}
