import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/domain/locale.js';
import { axeContext, axeViolations, DESKTOP, launchChromium, skipWithoutChromium } from './support/chromium.js';
import { inLanguage, PAGE_TYPES, prepareVisitors, type Visitor } from './support/pages.js';
import { startSite, type Site } from './support/site.js';

/** axe-core, WCAG 2.1 A and AA, on every page type in every language: zero violations. */
describe.skipIf(skipWithoutChromium('accessibility'))('accessibility (axe-core, WCAG 2.1 AA)', () => {
  let site: Site;
  let browser: Browser;
  const pages = new Map<Visitor, Page>();
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [site, browser] = await Promise.all([startSite(), launchChromium()]);
    const visitors = await prepareVisitors(site);
    for (const [visitor, storageState] of Object.entries(visitors) as Array<[Visitor, (typeof visitors)[Visitor]]>) {
      const context = await axeContext(browser, { baseURL: site.base, viewport: DESKTOP, storageState });
      contexts.push(context);
      pages.set(visitor, await context.newPage());
    }
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await site?.close();
  });

  it.each(PAGE_TYPES.map((type) => [type.name, type] as const))('%s', async (_name, type) => {
    const page = pages.get(type.visitor)!;
    const found: Record<string, unknown> = {};
    for (const locale of LOCALES) {
      const response = await page.goto(inLanguage(type.path, locale));
      expect(response?.status(), `${type.path} in ${locale}`).toBe(type.status);
      const violations = await axeViolations(page);
      if (violations.length > 0) found[locale] = violations;
    }
    expect(found).toEqual({});
  }, 60_000);
});
