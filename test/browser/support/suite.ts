import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';
import { startSite, type Site } from './site.js';

/**
 * A test file's real server and Chromium, one of each per file: started
 * before its tests (then `prepare`), stopped after them. Read them from the
 * returned object inside tests and later hooks.
 */
export function siteInChromium(prepare?: (site: Site) => Promise<void>): { site: Site; browser: Browser } {
  const running = {} as { site: Site; browser: Browser };
  beforeAll(async () => {
    [running.site, running.browser] = await Promise.all([startSite(), launchChromium()]);
    await prepare?.(running.site);
  });
  afterAll(async () => {
    await running.browser?.close();
    await running.site?.close();
  });
  return running;
}
