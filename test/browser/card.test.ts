import { describe, expect, it } from 'vitest';
import { loadFixture } from '../helpers/packages.js';
import { PHONE, skipWithoutChromium } from './support/chromium.js';
import { DEMO } from './support/site.js';
import { siteInChromium } from './support/suite.js';

/* The ballot card a voter takes to the ballot box: one printed page, one phone screen. */
const demo = loadFixture('demo-election.json');

describe.skipIf(skipWithoutChromium('ballot card'))('the ballot card in Chromium', () => {
  const suite = siteInChromium();
  // One candidate per race: mayor of Serra Azul, council, mayor of Lagoa Serena.
  const picks = demo.races.map((race) => demo.candidates.find((c) => c.race === race.slug && c.ballotNumber)!.id);

  it('fits a 360×640 screen and prints on one A4 and one Letter page', async () => {
    const context = await suite.browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    const response = await page.goto(`${suite.site.base}/e/${DEMO}/card?c=${picks.join(',')}&lang=pt-BR`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('.ballot > li').count()).toBe(3);
    const size = await page.evaluate(() => {
      const { document } = globalThis as any;
      return { width: document.documentElement.scrollWidth as number, height: document.documentElement.scrollHeight as number };
    });
    expect(size.width).toBeLessThanOrEqual(PHONE.width);
    // The card itself (title to the last number) is visible without scrolling.
    const bottom = await page.locator('.ballot').evaluate((el) => el.getBoundingClientRect().bottom);
    expect(bottom).toBeLessThanOrEqual(PHONE.height);
    for (const format of ['A4', 'Letter'] as const) {
      const pdf = await page.pdf({ format });
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
      expect(pages, format).toHaveLength(1);
    }
    await context.close();
  });
});
