import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../src/domain/locale.js';
import { axeContext, axeViolations, DESKTOP, skipWithoutChromium } from './support/chromium.js';
import { inLanguage, PAGE_TYPES, prepareVisitors, type Visitor } from './support/pages.js';
import { siteInChromium } from './support/suite.js';

/** axe-core, WCAG 2.1 A and AA, on every page type in every language: zero violations. */
describe.skipIf(skipWithoutChromium('accessibility'))('accessibility (axe-core, WCAG 2.1 AA)', () => {
  const suite = siteInChromium();
  /** One page per visitor and language: the three languages of a page type are checked side by side. */
  const pages = new Map<`${Visitor} ${Locale}`, Page>();

  beforeAll(async () => {
    const visitors = await prepareVisitors(suite.site);
    for (const [visitor, storageState] of Object.entries(visitors) as Array<[Visitor, (typeof visitors)[Visitor]]>) {
      for (const locale of LOCALES) {
        const context = await axeContext(suite.browser, { baseURL: suite.site.base, viewport: DESKTOP, storageState });
        pages.set(`${visitor} ${locale}`, await context.newPage());
      }
    }
  });

  it.each(PAGE_TYPES.map((type) => [type.name, type] as const))('%s', async (_name, type) => {
    const found = await Promise.all(
      LOCALES.map(async (locale) => {
        const page = pages.get(`${type.visitor} ${locale}`)!;
        const response = await page.goto(inLanguage(type.path, locale));
        expect(response?.status(), `${type.path} in ${locale}`).toBe(type.status);
        return [locale, await axeViolations(page)] as const;
      }),
    );
    expect(Object.fromEntries(found.filter(([, violations]) => violations.length > 0))).toEqual({});
  }, 60_000);
});
