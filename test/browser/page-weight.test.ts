import { get } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { loadFixture } from '../helpers/packages.js';
import { expectOnlySameOrigin, PHONE, recordRequests, skipWithoutChromium } from './support/chromium.js';
import { PAGE_TYPES, prepareVisitors, type PageType, type Visitor, type VisitorState } from './support/pages.js';
import { writeReport } from './support/report.js';
import { siteInChromium } from './support/suite.js';

/*
 * Voters are on cheap phones and slow networks. For a race of 50 candidates
 * (the demo's 36 council candidates and 14 more), every page type weighs under
 * 40 KB, the quiz and results pages included, and each embed under 15 KB:
 * HTML, CSS and JavaScript as sent, gzip-compressed. No page loads a web font
 * or asks another site for anything; images are lazy and sized.
 */
const RACE = 'serra-azul-vereador';
const KB = 1024;
const budgetOf = (type: PageType) => (type.path.startsWith('/embed/') ? 15 * KB : 40 * KB);

/** The demo election with 14 more council candidates, who answered everything with a justification of typical length. */
function demoWithFiftyCouncilCandidates() {
  const pkg = loadFixture('demo-election.json');
  const parties = pkg.parties.map((p) => p.slug);
  for (let n = 1; n <= 14; n += 1) {
    pkg.candidates.push({
      id: `extra-${n}`,
      name: `Candidata Adicional Número ${n} da Silva`,
      ballotName: `Adicional ${n}`,
      ballotNumber: String(90_100 + n),
      party: parties[n % parties.length]!,
      race: RACE,
      elected: false,
      answers: Object.fromEntries(
        pkg.statements.map((s, i) => [
          s.id,
          { value: ((n + i) % 5) + 1, justification: `Resposta ${i + 1} da candidatura ${n}: explico aqui, em poucas linhas, por que penso assim sobre o tema.` },
        ]),
      ),
    });
  }
  expect(pkg.candidates.filter((c) => c.race === RACE).length).toBe(50);
  return pkg;
}

/** The bytes a response body takes on the wire when the client accepts gzip. */
function bytesOnTheWire(url: string, cookie: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'Accept-Encoding': 'gzip', Cookie: cookie } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
    }).on('error', reject);
  });
}

describe.skipIf(skipWithoutChromium('page weight'))('page weight, fonts, third parties and images', () => {
  let visitors: Record<Visitor, VisitorState>;
  const suite = siteInChromium(async (site) => {
    expect((await writePackage(site, { pkg: demoWithFiftyCouncilCandidates(), actor: 'test' })).ok).toBe(true);
    visitors = await prepareVisitors(site);
  });
  const newContext = (visitor: Visitor = 'anyone') =>
    suite.browser.newContext({ baseURL: suite.site.base, viewport: PHONE, locale: 'pt-BR', storageState: visitors[visitor] });
  const measured: Array<{ page: string; kb: number; budgetKb: number; files: Array<{ url: string; bytes: number; encoding: string }> }> = [];
  afterAll(() => writeReport('page-weight', measured));

  it.each(PAGE_TYPES.map((type) => [type.name, type] as const))('%s: HTML, CSS and JavaScript under the budget, compressed', async (name, type) => {
    const context = await newContext(type.visitor);
    const requests = recordRequests(context);
    const page = await context.newPage();
    expect((await page.goto(type.path))?.status()).toBe(type.status);
    // Every candidate of the 50 is listed: ranked, or (the five who did not answer) after them.
    if (type.path.includes(`/results?race=${RACE}`)) expect(await page.locator('.ranking .match, .unranked li').count()).toBe(50);
    await context.close();
    const cookie = visitors[type.visitor].cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const files = await Promise.all(
      requests
        .filter((r) => ['document', 'stylesheet', 'script'].includes(r.type))
        .map(async (r) => ({ url: r.url.replace(suite.site.base, ''), ...(await bytesOnTheWire(r.url, cookie)) })),
    );
    expect(files.some((f) => f.url.endsWith('.css'))).toBe(true);
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    measured.push({ page: name, kb: Math.round((total / KB) * 10) / 10, budgetKb: budgetOf(type) / KB, files });
    expect(total, JSON.stringify(files)).toBeLessThan(budgetOf(type));
  });

  it('loads no web font, asks no other site for anything, and keeps images lazy and sized, on every page', async () => {
    const context = await newContext();
    const requests = recordRequests(context);
    const page = await context.newPage();
    for (const type of PAGE_TYPES.filter((p) => p.visitor === 'anyone')) {
      expect((await page.goto(type.path))?.status(), type.path).toBe(type.status);
      const images = await page.locator('img').evaluateAll((list) =>
        list.map((img: any) => ({ src: img.src, loading: img.getAttribute('loading'), width: img.getAttribute('width'), height: img.getAttribute('height') })),
      );
      expect(images.filter((img) => img.loading !== 'lazy' || !img.width || !img.height), type.path).toEqual([]);
      expect(await page.evaluate(() => (globalThis as any).document.fonts.size), type.path).toBe(0);
    }
    expectOnlySameOrigin(requests, suite.site.base);
    await context.close();
  }, 60_000);
});
