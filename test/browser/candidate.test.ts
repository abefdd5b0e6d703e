import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { scalePoints } from '../../src/domain/scale.js';
import { translator } from '../../src/i18n.js';
import { PASSWORD } from '../helpers/accounts.js';
import { loadFixture } from '../helpers/packages.js';
import { DESKTOP, expectOnlySameOrigin, PHONE, recordRequests, screenshot, skipWithoutChromium } from './support/chromium.js';
import { DEMO } from './support/site.js';
import { siteInChromium } from './support/suite.js';

/*
 * A candidate in a real browser, from the link an organizer sends by a
 * messaging app (`concordo invite … --print`) to answers voters can read.
 */
const demo = loadFixture('demo-election.json');
const silent = demo.candidates.find((c) => c.answers === undefined && c.race === 'serra-azul-vereador')!;

describe.skipIf(skipWithoutChromium('candidate flow'))('a candidate in Chromium', () => {
  const suite = siteInChromium();

  /** The link `concordo invite <election> --candidate <id> --print` prints for the organizer. */
  async function printedInvitation(candidate: string): Promise<string> {
    let out = '';
    let err = '';
    const code = await runCli(['invite', DEMO, '--candidate', candidate, '--print'], {
      stdout: (text) => void (out += text),
      stderr: (text) => void (err += text),
      env: { DATABASE_URL: suite.site.config.databaseUrl, BASE_URL: suite.site.base, LANG: 'en_US.UTF-8' },
    });
    expect(code, err).toBe(0);
    const [id, link] = out.trim().split('\t');
    expect(id).toBe(candidate);
    return link!;
  }

  it('accepts an invitation, sets a password, answers, saves a draft, previews and publishes', async () => {
    const context = await suite.browser.newContext({ baseURL: suite.site.base, viewport: DESKTOP, locale: 'pt-BR' });
    const requests = recordRequests(context);
    const page = await context.newPage();
    const t = translator('pt-BR');

    // The invitation: the token leaves the address at once.
    await page.goto(await printedInvitation(silent.id));
    expect(new URL(page.url()).pathname).toBe('/candidate/welcome');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t('welcome.title'));
    expect(await page.locator('.lead').textContent()).toContain(silent.name);

    // A mistyped confirmation is announced and tied to its field; the right one lets her in.
    await page.getByLabel(t('form.email')).fill('candidata@example.org');
    await page.getByLabel(t('form.newPassword')).fill(PASSWORD);
    await page.getByLabel(t('form.confirmPassword')).fill(`${PASSWORD}!`);
    await page.getByRole('button', { name: t('welcome.submit') }).click();
    expect(await page.getByRole('alert').textContent()).toContain(t('account.problem.mismatch'));
    const confirm = page.getByLabel(t('form.confirmPassword'));
    expect(await confirm.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await confirm.getAttribute('aria-describedby')}`).textContent()).toContain(t('account.problem.mismatch'));
    await page.getByLabel(t('form.newPassword')).fill(PASSWORD);
    await confirm.fill(PASSWORD);
    await page.getByRole('button', { name: t('welcome.submit') }).click();
    await page.waitForURL((url) => url.pathname === '/candidate');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(silent.ballotName ?? silent.name);

    // Every statement answered, some justified; a draft first.
    await page.getByRole('link', { name: t('candidateArea.answer') }).click();
    const fieldsets = page.locator('fieldset.statement');
    expect(await fieldsets.count()).toBe(demo.statements.length);
    const points = scalePoints(5);
    for (let i = 0; i < demo.statements.length; i += 1) {
      const fieldset = fieldsets.nth(i);
      await fieldset.getByRole('radio', { name: t(points[i % 5]!.labelKey), exact: true }).check();
      if (i < 3) await fieldset.getByLabel(t('questionnaire.justification')).fill(`Minha razão número ${i + 1}.`);
    }
    await page.getByRole('button', { name: t('questionnaire.saveDraft') }).click();
    expect(await page.getByRole('status').textContent()).toBe(t('candidateArea.notice.saved'));
    await screenshot(page, 'desktop-candidate-questionnaire');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'phone-candidate-questionnaire');
    await page.setViewportSize(DESKTOP);

    // Nobody sees the draft yet.
    const publicPage = `/e/${DEMO}/candidates/${silent.id}`;
    const voter = await suite.browser.newContext({ baseURL: suite.site.base, locale: 'pt-BR' });
    const voterPage = await voter.newPage();
    await voterPage.goto(publicPage);
    expect(await voterPage.locator('.empty').first().textContent()).toBe(t('candidate.noAnswers'));

    // The preview shows the page as voters will see it.
    await page.getByRole('button', { name: t('questionnaire.saveAndPreview') }).click();
    await page.waitForURL((url) => url.pathname === '/candidate/preview');
    expect(await page.locator('.answer .justification').first().textContent()).toBe('Minha razão número 1.');
    await screenshot(page, 'desktop-candidate-preview');

    await page.getByRole('link', { name: t('candidateArea.back') }).click();
    await screenshot(page, 'desktop-candidate-dashboard');
    await page.getByRole('button', { name: t('candidateArea.publish') }).click();
    expect(await page.getByRole('status').textContent()).toBe(t('candidateArea.notice.published'));

    // The public page now shows her answers and words, to anyone.
    await voterPage.goto(publicPage);
    const answers = voterPage.locator('.answer');
    expect(await answers.count()).toBe(demo.statements.length);
    const shown = await answers.locator('.value').allTextContents();
    expect(shown.map((v) => v.trim())).toEqual(demo.statements.map((_, i) => t(points[i % 5]!.labelKey)));
    expect(await voterPage.locator('.justification').allTextContents()).toEqual([1, 2, 3].map((n) => `Minha razão número ${n}.`));
    await page.getByRole('link', { name: t('candidateArea.publicPage') }).click();
    expect(new URL(page.url()).pathname).toBe(publicPage);

    expectOnlySameOrigin(requests, suite.site.base);
    await voter.close();
    await context.close();
  }, 60_000);
});
