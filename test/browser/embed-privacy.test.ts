import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n.js';
import { DESKTOP, skipWithoutChromium } from './support/chromium.js';
import { DEMO, startThirdPartySite } from './support/site.js';
import { siteInChromium } from './support/suite.js';

/*
 * A news site on another origin embeds the quiz. Whatever its page listens
 * to, and whatever it serves, it learns how tall the widget is and nothing of
 * what its reader answered: no message, no Referer, no title carries the
 * answers (`a=` in the results address).
 */
describe.skipIf(skipWithoutChromium('embed privacy'))('the embedded quiz, seen from the page around it, in Chromium', () => {
  const suite = siteInChromium();
  let newsSite: Awaited<ReturnType<typeof startThirdPartySite>>;

  beforeAll(async () => {
    const snippet = cheerio.load(await (await fetch(`${suite.site.base}/e/${DEMO}?lang=en`)).text())('#embed-code').text();
    expect(snippet).toContain(`src="${suite.site.base}/embed/e/${DEMO}/quiz"`);
    newsSite = await startThirdPartySite(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>The Serra Azul Courier</title>
<script>
  // Everything any frame tells this page, from any origin, as it arrived.
  window.heard = [];
  window.addEventListener('message', function (event) {
    window.heard.push({ origin: event.origin, data: JSON.stringify(event.data) });
  });
</script>
</head>
<body>
<h1>Who stands closest to you?</h1>
${snippet}
</body>
</html>`);
  });
  afterAll(() => newsSite?.close());

  it('tells the host page its height only, and sends it no answer in a message, a Referer or a title', async () => {
    const context = await suite.browser.newContext({ viewport: DESKTOP, locale: 'en' });
    const page = await context.newPage();
    const t = translator('en');
    await page.goto(newsSite.origin);
    const frameElement = page.locator('iframe');
    const quiz = (await (await frameElement.elementHandle())!.contentFrame())!;
    await quiz.waitForLoadState('load');

    // The voter answers inside the frame and reaches the results there.
    await quiz.getByLabel(t('quiz.race')).selectOption('serra-azul-prefeito');
    const statements = quiz.locator('fieldset.statement');
    for (let i = 0; i < 5; i += 1) await statements.nth(i).getByRole('radio', { name: t('scale.agree'), exact: true }).check();
    await statements.nth(5).getByRole('radio', { name: t('scale.disagree'), exact: true }).check();
    await quiz.getByRole('button', { name: t('quiz.submit') }).click();
    await quiz.waitForURL(/\/embed\/e\/[^/]+\/results\?/);
    expect(await quiz.getByRole('heading', { level: 1 }).textContent()).toBe(t('results.title'));
    const answers = new URL(quiz.url()).searchParams.get('a')!;
    expect(answers).toMatch(/^[1-7-]+$/);

    // The host script still fits the frame to the results' height, which the frame reported.
    const height = await quiz.evaluate(() => Math.ceil((globalThis as any).document.documentElement.getBoundingClientRect().height) as number);
    await expect.poll(() => frameElement.getAttribute('height')).toBe(String(height));
    const heard = (await page.evaluate(() => (globalThis as any).heard)) as Array<{ origin: string; data: string }>;
    expect(heard.length).toBeGreaterThan(0);
    expect(heard).toContainEqual({ origin: suite.site.base, data: JSON.stringify({ type: 'concordo:height', height }) });
    // Every message is a height, and nothing else.
    for (const message of heard) {
      expect(message.origin).toBe(suite.site.base);
      expect(Object.keys(JSON.parse(message.data)).sort()).toEqual(['height', 'type']);
      expect(message.data).not.toContain('a=');
      expect(message.data).not.toContain(answers);
    }
    expect(await quiz.title()).not.toContain(answers);
    expect(await quiz.title()).not.toContain('a=');

    // A link from the results to the news site's origin (a reader's click) sends no Referer with the answers.
    await quiz.evaluate((href) => {
      const { document } = globalThis as any;
      const link = document.createElement('a');
      link.href = href;
      link.textContent = 'more news';
      document.body.append(link);
      link.click();
    }, `${newsSite.origin}/landing`);
    await expect.poll(() => newsSite.requests.some((r) => r.url === '/landing')).toBe(true);
    for (const request of newsSite.requests) {
      expect(request.referer ?? '', request.url).not.toContain('a=');
      expect(request.referer ?? '', request.url).not.toContain(answers);
    }
    expect(newsSite.requests.find((r) => r.url === '/landing')!.referer).toBeUndefined();
    await context.close();
  }, 60_000);

  it('sends no Referer from any embed, widgets included', async () => {
    for (const path of [`/embed/e/${DEMO}/quiz`, `/embed/e/${DEMO}/results?race=serra-azul-prefeito&a=44444`, `/embed/e/${DEMO}/statements/s01`]) {
      const res = await fetch(`${suite.site.base}${path}`);
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });
});
