import * as cheerio from 'cheerio';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localize } from '../../src/domain/locale.js';
import { translator } from '../../src/i18n.js';
import { loadFixture } from '../helpers/packages.js';
import { DESKTOP, recordRequests, screenshot, skipWithoutChromium } from './support/chromium.js';
import { DEMO, startThirdPartySite } from './support/site.js';
import { siteInChromium } from './support/suite.js';

/*
 * A news site on another origin pastes the embed code the site gives for the
 * quiz and for a statement: both widgets render in their frames, and the
 * host script fits each frame to the height its content reports.
 */
const demo = loadFixture('demo-election.json');

describe.skipIf(skipWithoutChromium('embeds'))('embeds on another site, in Chromium', () => {
  const suite = siteInChromium();
  let newsSite: Awaited<ReturnType<typeof startThirdPartySite>>;

  /** The copy-paste code a page offers journalists. */
  const embedCode = async (path: string) => cheerio.load(await (await fetch(`${suite.site.base}${path}?lang=en`)).text())('#embed-code').text();

  beforeAll(async () => {
    const quiz = await embedCode(`/e/${DEMO}`);
    const statement = await embedCode(`/e/${DEMO}/statements/s01`);
    expect(quiz).toContain(`src="${suite.site.base}/embed/e/${DEMO}/quiz"`);
    expect(quiz).toContain('height="900"');
    expect(statement).toContain(`src="${suite.site.base}/embed/e/${DEMO}/statements/s01"`);
    expect(statement).toContain('height="640"');
    newsSite = await startThirdPartySite(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>The Serra Azul Courier</title>
<script>
  // What the widgets tell this page, frame by frame, for the test to compare.
  window.reports = [];
  window.addEventListener('message', function (event) {
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i].contentWindow === event.source) window.reports.push({ frame: i, origin: event.origin, data: event.data });
    }
  });
</script>
</head>
<body>
<h1>Who stands closest to you?</h1>
<p>Answer the questionnaire the candidates answered.</p>
${quiz}
<h2>The solar plant</h2>
${statement}
</body>
</html>`);
  });
  afterAll(() => newsSite?.close());

  /** Waits until every frame's height attribute is the last height its content reported, and returns them. */
  async function fittedHeights(page: Page): Promise<number[]> {
    const handle = await page.waitForFunction(() => {
      const { document, reports } = globalThis as any;
      const frames = [...document.getElementsByTagName('iframe')];
      const heights = frames.map((frame: any, i: number) => {
        const last = reports.filter((r: any) => r.frame === i).pop();
        return last && frame.getAttribute('height') === String(last.data.height) ? last.data.height : null;
      });
      return heights.every((h: number | null) => h !== null) && heights;
    });
    return (await handle.jsonValue()) as number[];
  }

  const contentHeight = (frame: Frame) =>
    frame.evaluate(() => Math.ceil((globalThis as any).document.documentElement.getBoundingClientRect().height) as number);

  it('renders the quiz and a statement widget in their frames, each frame as tall as its content', async () => {
    const context = await suite.browser.newContext({ viewport: DESKTOP, locale: 'en' });
    const requests = recordRequests(context);
    const page = await context.newPage();
    const t = translator('en');
    await page.goto(newsSite.origin);

    const frames = page.locator('iframe');
    expect(await frames.count()).toBe(2);
    await frames.nth(1).scrollIntoViewIfNeeded();
    const quiz = (await (await frames.nth(0).elementHandle())!.contentFrame())!;
    const statement = (await (await frames.nth(1).elementHandle())!.contentFrame())!;
    await quiz.waitForLoadState('load');
    await statement.waitForLoadState('load');
    expect(await quiz.getByRole('heading', { level: 1 }).textContent()).toBe(t('quiz.title'));
    expect(await statement.getByRole('heading', { level: 1 }).textContent()).toBe(localize(demo.statements[0]!.text, 'en'));
    expect(await statement.getByRole('img').count()).toBe(1);

    // Only the widgets' own origin speaks, and each frame takes the height it reported.
    const heights = await fittedHeights(page);
    expect(await page.evaluate((base) => (globalThis as any).reports.every((r: any) => r.origin === base), suite.site.base)).toBe(true);
    expect(heights).toEqual([await contentHeight(quiz), await contentHeight(statement)]);
    // The embed code gave 900 and 640 pixels.
    expect(heights[0]).toBeGreaterThan(900);
    expect(heights[1]).not.toBe(640);
    await screenshot(page, 'desktop-embeds-on-another-site');

    // The quiz works inside its frame; its results report their own height.
    await quiz.getByLabel(t('quiz.race')).selectOption('serra-azul-prefeito');
    const statements = quiz.locator('fieldset.statement');
    for (let i = 0; i < 5; i += 1) await statements.nth(i).getByRole('radio', { name: t('scale.agree'), exact: true }).check();
    await quiz.getByRole('button', { name: t('quiz.submit') }).click();
    await quiz.waitForURL(/\/embed\/e\/[^/]+\/results\?/);
    expect(await quiz.getByRole('heading', { level: 1 }).textContent()).toBe(t('results.title'));
    await expect.poll(async () => (await fittedHeights(page))[0]).toBe(await contentHeight(quiz));
    expect(await quiz.locator('.ranking .match').count()).toBe(demo.candidates.filter((c) => c.race === 'serra-azul-prefeito' && c.answers).length);

    // The news page and the widgets ask nothing of anyone else, and load no web font.
    const origins = new Set(requests.map((r) => new URL(r.url).origin));
    expect([...origins].sort()).toEqual([newsSite.origin, suite.site.base].sort());
    expect(requests.filter((r) => r.type === 'font')).toEqual([]);
    await context.close();
  }, 60_000);
});
