import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/services/auth.js';
import { PASSWORD } from '../helpers/accounts.js';
import { tempDir } from '../helpers/database.js';
import { loadFixture } from '../helpers/packages.js';
import { DESKTOP, skipWithoutChromium } from './support/chromium.js';
import { DEMO } from './support/site.js';
import { siteInChromium } from './support/suite.js';

/* An organizer, in a real browser, from the set-up link to an imported election package. */
describe.skipIf(skipWithoutChromium('organizer flow'))('an organizer in Chromium', () => {
  const suite = siteInChromium();

  it('sets a password from the printed link, uploads a package, and the public pages follow', async () => {
    const created = await createAdmin(suite.site, { email: 'organizadora@example.org', path: '/admin/setup' });
    if (!created.ok) throw new Error('no admin');
    const context = await suite.browser.newContext({ baseURL: suite.site.base, viewport: DESKTOP, locale: 'en' });
    const page = await context.newPage();
    await page.goto(new URL(created.link).pathname);
    // The token left the address at once.
    expect(new URL(page.url()).pathname).toBe('/admin/setup');
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.waitForURL('**/admin');

    // A changed package: a candidate's new bio.
    const pkg = loadFixture('demo-election.json');
    pkg.candidates[0]!.profile = { ...pkg.candidates[0]!.profile, bio: 'Biografia atualizada pela organização.' };
    const temp = tempDir();
    const file = path.join(temp.dir, 'serra-azul-2028.json');
    writeFileSync(file, JSON.stringify(pkg));
    await page.goto(`/admin/e/${DEMO}/import?lang=en`);
    await page.locator('#package-file').setInputFiles(file);
    await page.locator('#package-file').locator('xpath=ancestor::form').getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(`**/admin/e/${DEMO}/import?imported=1`);
    temp.remove();

    await page.goto(`/e/${DEMO}/candidates/${pkg.candidates[0]!.id}?lang=en`);
    await expect.poll(() => page.locator('.bio').textContent()).toBe('Biografia atualizada pela organização.');
    // And the audit log says who did it.
    await page.goto(`/admin/e/${DEMO}?lang=en`);
    expect(await page.locator('#audit-heading + ol').textContent()).toContain('organizadora@example.org');
    await context.close();
  });
});
