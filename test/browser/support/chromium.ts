import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';

/*
 * Debian's Chromium, driven by playwright-core. Where it is missing the browser
 * suites skip and say why; CI installs it (.ci/run).
 */

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser suites cannot run here, or null when they can. */
export const NO_CHROMIUM: string | null = existsSync(CHROMIUM_PATH)
  ? null
  : `no Chromium at ${CHROMIUM_PATH} (install Debian's chromium, or set CHROMIUM_PATH)`;

/** True when the suite must skip; says why on the console. */
export function skipWithoutChromium(suite: string): boolean {
  if (NO_CHROMIUM === null) return false;
  // eslint-disable-next-line no-console
  console.warn(`${suite}: skipped, ${NO_CHROMIUM}`);
  return true;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const PHONE = { width: 360, height: 640 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));

/** Saves a full-page screenshot for review as `test-results/screenshots/<name>.png` (not in git). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, '-')}.png`), fullPage: true });
}

/** Every URL a browser context asks for, to check that nothing leaves the site. */
export function recordRequests(context: BrowserContext): Array<{ url: string; type: string }> {
  const requests: Array<{ url: string; type: string }> = [];
  context.on('request', (request) => requests.push({ url: request.url(), type: request.resourceType() }));
  return requests;
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The WCAG 2.1 A and AA rules of axe-core. */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeViolation {
  id: string;
  help: string;
  nodes: string[];
}

/**
 * A browser context whose pages all carry axe-core. The pages' strict CSP
 * forbids the injected script, hence `bypassCSP`; injecting it once per
 * context (not per page with `addScriptTag`) halves the time a page takes.
 */
export async function axeContext(browser: Browser, options: BrowserContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext({ ...options, bypassCSP: true });
  await context.addInitScript({ path: AXE });
  return context;
}

/** axe-core's WCAG 2.1 A/AA violations of a page (opened in an `axeContext`) as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  return page.evaluate(async (tags) => {
    const { axe, document } = globalThis as any;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n: any) => `${n.target.join(' ')}: ${n.failureSummary}`.slice(0, 400)),
    }));
  }, WCAG_21_AA);
}

/** Checks that a page asked nothing of another origin, and loaded no web font. */
export function expectOnlySameOrigin(requests: ReadonlyArray<{ url: string; type: string }>, origin: string): void {
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter((r) => new URL(r.url).origin !== origin).map((r) => r.url)).toEqual([]);
  expect(requests.filter((r) => r.type === 'font').map((r) => r.url)).toEqual([]);
}
