import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { localize } from '../../src/domain/locale.js';
import { scalePoints } from '../../src/domain/scale.js';
import { translator } from '../../src/i18n.js';
import { loadFixture } from '../helpers/packages.js';
import { DESKTOP, expectOnlySameOrigin, PHONE, recordRequests, screenshot, skipWithoutChromium } from './support/chromium.js';
import { PAGE_TYPES } from './support/pages.js';
import { DEMO } from './support/site.js';
import { siteInChromium } from './support/suite.js';

/*
 * A voter in a real browser: the demo election, the council race (36
 * candidates), on a phone and on a desktop, with and without JavaScript, and
 * with the keyboard alone.
 */
const demo = loadFixture('demo-election.json');
const RACE = 'serra-azul-vereador';
const FIVE_POINTS = scalePoints(5);

describe.skipIf(skipWithoutChromium('voter flows'))('a voter in Chromium', () => {
  const suite = siteInChromium();

  /** A new visitor, reading English, at the questionnaire. */
  const atTheQuiz = async (viewport: { width: number; height: number }) => {
    const context = await suite.browser.newContext({ baseURL: suite.site.base, viewport, locale: 'en' });
    const page = await context.newPage();
    await page.goto(`/e/${DEMO}/quiz`);
    return { context, page, t: translator('en') };
  };

  const journeys = [
    { name: 'on a phone (360×640)', shots: 'phone', viewport: PHONE, javaScriptEnabled: true, locale: 'pt-BR' },
    { name: 'on a desktop (1280×800)', shots: 'desktop', viewport: DESKTOP, javaScriptEnabled: true, locale: 'es' },
    { name: 'on a phone with JavaScript disabled', shots: 'phone-no-js', viewport: PHONE, javaScriptEnabled: false, locale: 'en' },
  ] as const;

  it.each(journeys)('answers the quiz, sees every candidate ranked and compares two, $name', async (journey) => {
    const context = await suite.browser.newContext({ ...journey, baseURL: suite.site.base });
    const requests = recordRequests(context);
    const page = await context.newPage();
    const t = translator(journey.locale);

    // The browser's language picks the page's.
    await page.goto('/');
    expect(await page.getAttribute('html', 'lang')).toBe(journey.locale);
    await page.getByRole('link', { name: localize(demo.election.name, journey.locale) }).click();
    await page.getByRole('link', { name: t('election.startQuiz') }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(t('quiz.title'));

    await page.getByLabel(t('quiz.race')).selectOption(RACE);
    const statements = page.locator('fieldset.statement');
    const answered: Record<string, number> = {};
    for (let i = 0; i < 6; i += 1) {
      const point = FIVE_POINTS[(i * 2) % 5]!;
      const fieldset = statements.nth(i);
      await fieldset.getByRole('radio', { name: t(point.labelKey), exact: true }).check();
      answered[(await fieldset.getAttribute('id'))!.replace('statement-', '')] = point.value;
    }
    await statements.first().getByRole('checkbox', { name: t('quiz.mattersMore') }).check();
    await screenshot(page, `${journey.shots}-quiz-answered`);
    await page.getByRole('button', { name: t('quiz.submit') }).click();

    // The answers travel in the address only, in questionnaire order.
    await page.waitForURL(/\/results\?/);
    const address = new URL(page.url());
    expect(address.searchParams.get('race')).toBe(RACE);
    expect(address.searchParams.get('a')).toBe(demo.statements.map((s) => answered[s.id] ?? '-').join(''));
    expect(address.searchParams.get('w')).toContain('2');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t('results.title'));
    const ranked = page.locator('.ranking .match');
    const percents = (await ranked.locator('.percent').allTextContents()).map((p) => Number.parseInt(p, 10));
    // Every council candidate with published answers is ranked (they answered every statement), highest first.
    expect(percents.length).toBe(demo.candidates.filter((c) => c.race === RACE && c.answers !== undefined).length);
    expect([...percents].sort((x, y) => y - x)).toEqual(percents);
    const chosen = await ranked.locator('.name').evaluateAll((links) => links.slice(0, 2).map((a) => (a as any).textContent as string));
    for (const name of chosen) await page.getByRole('checkbox', { name: `${t('results.pick')} ${name}` }).check();
    await screenshot(page, `${journey.shots}-results`);
    await page.getByRole('button', { name: t('results.compare') }).click();

    await page.waitForURL(/\/compare\?/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t('compare.title'));
    const columns = await page.locator('table.compare thead th').allTextContents();
    expect(columns.map((c) => c.trim())).toEqual([t('compare.statement'), t('compare.you'), ...chosen.map((name) => expect.stringContaining(name))]);
    expect(await page.locator('table.compare tbody tr:not(.topic-row)').count()).toBe(demo.statements.length);
    await screenshot(page, `${journey.shots}-compare`);
    await page.getByRole('link', { name: t('compare.back') }).click();
    await page.waitForURL(/\/results\?/);
    expect(new URL(page.url()).searchParams.get('a')).toBe(address.searchParams.get('a'));

    expectOnlySameOrigin(requests, suite.site.base);
    await context.close();
  }, 60_000);

  it('completes the quiz with the keyboard alone, the focus always visible', async () => {
    const { context, page, t } = await atTheQuiz(DESKTOP);
    const focus = keyboardFocus(page);

    // The first Tab reaches the skip link, shown on the screen while focused.
    const skip = await focus.tab();
    expect(skip.text).toBe(t('layout.skipToContent'));
    expect(skip.onScreen).toBe(true);

    // Radio groups and lists are worked with the arrow keys, as in every browser;
    // Tab moves between controls, Space ticks a box, Enter sends the form.
    await focus.tabUntil((f) => f.id === 'race');
    await page.keyboard.press('ArrowDown');
    let group = '';
    for (let i = 0; i < 5; i += 1) {
      // Tab enters a statement's scale on its checked point, "skip"; ArrowUp moves to "strongly agree".
      const radio = await focus.tabUntil((f) => f.type === 'radio' && f.name !== group);
      group = radio.name;
      expect(radio.value).toBe('-');
      await page.keyboard.press('ArrowUp');
      if (i === 0) {
        await focus.tabUntil((f) => f.type === 'checkbox');
        await page.keyboard.press('Space');
      }
    }
    await focus.tabUntil((f) => f.tag === 'BUTTON' && f.text === t('quiz.submit'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/results\?/);
    const address = new URL(page.url());
    expect(address.searchParams.get('a')).toMatch(/^(5[^5]*){5}$/);
    expect(address.searchParams.get('w')).toMatch(/^2/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t('results.title'));

    // Every kind of control the journey focused showed a clear outline.
    expect(new Set(focus.seen.map((f) => f.kind))).toEqual(new Set(['A', 'SELECT', 'SUMMARY', 'INPUT:radio', 'INPUT:checkbox', 'BUTTON']));
    expect(focus.seen.filter((f) => !f.outlined)).toEqual([]);
    await context.close();
  }, 60_000);

  it('announces form errors and ties each to its field', async () => {
    const { context, page, t } = await atTheQuiz(PHONE);
    await page.locator('fieldset.statement').first().getByRole('radio', { name: t('scale.agree'), exact: true }).check();
    await page.getByRole('button', { name: t('quiz.submit') }).click();

    // No race: the summary is an alert, its link leads to the field, and the field names the problem.
    await page.waitForURL(/\/results\?/);
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toContain(t('voter.error.race_required'));
    await expectTiedToField(page, t('voter.error.race_required'));
    await alert.getByRole('link', { name: t('voter.error.race_required') }).press('Enter');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement.id)).toBe('race');

    // A race but too few answers: the alert leads to the statements, answers kept.
    await page.getByLabel(t('quiz.race')).selectOption(RACE);
    await page.getByRole('button', { name: t('quiz.submit') }).click();
    await page.waitForURL(/\/results\?/);
    const tooFew = page.getByRole('alert').getByRole('link');
    expect(await tooFew.textContent()).toContain(t('voter.error.too_few', { counted: 1, required: demo.election.minAnswers! }));
    expect(await page.locator((await tooFew.getAttribute('href'))!).count()).toBe(1);
    expect(await page.locator('fieldset.statement').first().getByRole('radio', { name: t('scale.agree'), exact: true }).isChecked()).toBe(true);
    await context.close();
  });

  it('saves screenshots of the main pages at phone and desktop width', async () => {
    for (const [width, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const context = await suite.browser.newContext({ baseURL: suite.site.base, viewport, locale: 'pt-BR' });
      const page = await context.newPage();
      for (const type of PAGE_TYPES.filter((p) => p.main && p.visitor === 'anyone')) {
        expect((await page.goto(type.path))?.status()).toBe(type.status);
        await screenshot(page, `${width}-${type.name}`);
      }
      await context.close();
    }
  }, 60_000);
});

interface Focused {
  tag: string;
  kind: string;
  id: string;
  type: string;
  name: string;
  value: string;
  text: string;
  outlined: boolean;
  onScreen: boolean;
}

/** Tab through a page, keeping what had the focus and whether its outline showed it. */
function keyboardFocus(page: Page) {
  const seen: Focused[] = [];
  const tab = async (): Promise<Focused> => {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const { document, getComputedStyle, innerWidth, innerHeight } = globalThis as any;
      const el = document.activeElement;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      const type = el.getAttribute('type') ?? '';
      return {
        tag: el.tagName,
        kind: el.tagName === 'INPUT' ? `INPUT:${type}` : el.tagName,
        id: el.id,
        type,
        name: el.getAttribute('name') ?? '',
        value: el.value ?? '',
        text: el.textContent.trim(),
        outlined: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2 && style.outlineColor !== 'rgba(0, 0, 0, 0)',
        onScreen: box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.top < innerHeight,
      };
    });
    seen.push(focused);
    return focused;
  };
  const tabUntil = async (wanted: (f: Focused) => boolean): Promise<Focused> => {
    for (let presses = 0; presses < 200; presses += 1) {
      const focused = await tab();
      if (wanted(focused)) return focused;
    }
    throw new Error('the control was not reached with Tab');
  };
  return { tab, tabUntil, seen };
}

/** The alert's message is also the description of the field its link leads to, which is marked invalid. */
async function expectTiedToField(page: Page, message: string): Promise<void> {
  const href = await page.getByRole('alert').getByRole('link', { name: message }).getAttribute('href');
  const field = page.locator(href!);
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  const described = await Promise.all(
    (await field.getAttribute('aria-describedby'))!.split(/\s+/).map((id) => page.locator(`#${id}`).textContent()),
  );
  expect(described.join(' ')).toContain(message);
}

