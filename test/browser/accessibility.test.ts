import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../src/domain/locale.js';
import { translator } from '../../src/i18n.js';
import { axeContext, axeViolations, DESKTOP, skipWithoutChromium } from './support/chromium.js';
import { inLanguage, PAGE_TYPES, prepareVisitors, type Visitor } from './support/pages.js';
import { writeReport } from './support/report.js';
import { DEMO } from './support/site.js';
import { siteInChromium } from './support/suite.js';

/** axe-core, WCAG 2.1 A and AA, on every page type in every language: zero violations. */
describe.skipIf(skipWithoutChromium('accessibility'))('accessibility (axe-core, WCAG 2.1 AA)', () => {
  const suite = siteInChromium();
  /** One page per visitor and language: the three languages of a page type are checked side by side. */
  const pages = new Map<`${Visitor} ${Locale}`, Page>();
  /** Violations found, by page type and language. */
  const report: Record<string, Record<string, number>> = {};
  afterAll(() => writeReport('accessibility', report));

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
    report[type.name] = Object.fromEntries(found.map(([locale, violations]) => [locale, violations.length]));
    expect(Object.fromEntries(found.filter(([, violations]) => violations.length > 0))).toEqual({});
  }, 60_000);

  it('gives charts a text alternative: a named image described by its numbers, and the same numbers as a table', async () => {
    const page = pages.get('anyone en')!;
    const title = translator('en')('statement.chartTitle', { statement: 's01' });
    await page.goto(inLanguage(`/e/${DEMO}/statements/s01`, 'en'));
    const chart = page.getByRole('img', { name: title });
    expect(await chart.count()).toBe(1);
    const description = await chart.evaluate((svg: any) => svg.querySelector('desc').textContent as string);
    const rows = page.getByRole('table', { name: title }).locator('tbody tr');
    const parties = await rows.locator('th abbr').evaluateAll((list) => list.map((abbr: any) => abbr.getAttribute('title') as string));
    expect(parties.length).toBeGreaterThan(1);
    for (const party of parties) expect(description).toContain(`${party}: `);
  });
});
