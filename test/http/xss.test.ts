import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../src/domain/locale.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import {
  activeMarkup,
  embedCodeProblems,
  missingFields,
  prepareXssSite,
  resolve,
  xssPages,
  xssScenario,
  XSS_ELECTION,
  type Field,
  type PreparedSite,
  type Shown,
} from '../helpers/xss.js';

/*
 * Issue 9: XSS payloads in every text a candidate or an organizer can write
 * render inert on every page and embed. test/helpers/xss.ts writes a payload
 * into each such text (election package: election, topics, statements with
 * contexts, races, parties, candidates with profile, links, photo and
 * justifications; web forms: the organizer's election, topic, statement, race,
 * party, moderation, roll-call import and link forms, the candidate's profile
 * and questionnaire, the volunteer's sign-up and contact note; and the uploads
 * whose faults are shown back) and lists the pages that show them, router by
 * router. Each page, in each language, must have no markup from a payload (no
 * inline script, no event handler, no javascript: address, no frame) and must
 * show each payload it carries as text, which proves the text was rendered.
 */

const scenario = xssScenario();
const pages = xssPages(scenario);
const { pkg, forms } = scenario;

describe('texts written by candidates and organizers, on every page', () => {
  let ctx: TestContext;
  let site: PreparedSite;
  /** Every field some check below found shown as text. */
  const seen = new Set<Field>();

  beforeAll(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    site = await prepareXssSite({ deps: ctx, agent: () => request.agent(ctx.app) }, scenario);
  }, 60_000);
  afterAll(() => ctx?.close());

  const inLanguage = (path: string, locale: Locale) => `${path}${path.includes('?') ? '&' : '?'}lang=${locale}`;

  /** The page has no active markup and shows each field as text. */
  function expectInertAndShown(html: string, shows: readonly Shown[], locale: Locale) {
    expect(activeMarkup(html)).toEqual([]);
    const fields = shows.map((shown) => resolve(shown, locale));
    expect(missingFields(html, fields)).toEqual([]);
    for (const field of fields) seen.add(field);
  }

  describe.each(LOCALES)('in %s', (locale) => {
    it.each(pages.map((page) => [page.name, page] as const))('%s', async (_, page) => {
      const agent = page.visitor === 'anyone' ? request(ctx.app) : site.agents[page.visitor];
      const res = await agent.get(inLanguage(page.path, locale));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
      expectInertAndShown(res.text, page.shows(locale), locale);
    });

    it('the roster import’s page, which shows a rejected line', async () => {
      const res = await site.agents.admin.get(inLanguage(site.jobPath, locale));
      expect(res.status).toBe(200);
      expectInertAndShown(res.text, [forms.tseOfficialId], locale);
    });
  });

  it('the pages that answer a form post', () => {
    const { posted } = site;
    const locale = 'pt-BR';
    // The invitation's welcome page greets the candidate by name.
    expectInertAndShown(posted.welcome, [pkg.carla.name, pkg.electionName], locale);
    // A package with an unknown key: the key is named in the message.
    expectInertAndShown(posted.packageErrors, [forms.packageUnknownKey, pkg.electionName], locale);
    // The roll-call import lists the member it could not match.
    expectInertAndShown(posted.votesImport, [forms.rollCalls.unmatchedOfficialId, forms.rollCalls.pl1.bill, forms.rollCalls.pl1.title], locale);
    // Invitations name candidates by id: nothing written is shown, the page must still be inert.
    expectInertAndShown(posted.invitations, [], locale);
    // The message a volunteer sends names the candidate and the election (in the election's language).
    expectInertAndShown(posted.volunteerInvite, [pkg.eva.ballotName, pkg.eva.name, pkg.electionName], locale);
    // A javascript: link is refused, and shown back as text in the message and the form.
    expectInertAndShown(posted.refusedProfile, [forms.candidate.refusedLink], locale);
    expect(cheerio.load(posted.refusedProfile)('#links').text()).toBe(`javascript:${forms.candidate.refusedLink.value}`);
    // Refused organizer and volunteer forms are shown again with what was typed.
    expectInertAndShown(posted.refusedElection, [forms.electionName['pt-BR'], forms.electionName.es, forms.electionName.en], locale);
    expectInertAndShown(posted.refusedSignUp, [forms.volunteer.name], locale);
  });

  it('keeps javascript: links out of candidate profiles', async () => {
    const profile = cheerio.load((await site.agents.candidate.get('/candidate/profile')).text);
    expect(profile('#links').text().split('\n')).toEqual(forms.candidate.links.map((l) => l.value));
    const $ = cheerio.load((await request(ctx.app).get(`/e/${XSS_ELECTION}/candidates/carla`)).text);
    expect($('.links a').map((_, a) => $(a).attr('href')).get()).toEqual(forms.candidate.links.map((l) => l.value));
  });

  it('gives journalists embed code that is only the frame and its script, on pages and through oEmbed', async () => {
    const base = ctx.config.baseUrl;
    const x = `/e/${XSS_ELECTION}`;
    const embeddable = [x, `${x}/races/prefeito`, `${x}/candidates/ana`, `${x}/statements/s1`, `${x}/elected`];
    for (const path of embeddable) {
      const code = cheerio.load((await request(ctx.app).get(path)).text)('#embed-code').text();
      expect(code, path).not.toBe('');
      expect(embedCodeProblems(code, base), path).toEqual([]);
      const oembed = await request(ctx.app).get(`/oembed?${new URLSearchParams({ url: `${base}${path}`, format: 'json' })}`);
      expect(oembed.status, path).toBe(200);
      expect(embedCodeProblems(oembed.body.html, base), path).toEqual([]);
    }
    // The candidate's code is titled with her ballot name, as text.
    const oembed = await request(ctx.app).get(`/oembed?${new URLSearchParams({ url: `${base}${x}/candidates/ana`, format: 'json' })}`);
    expect(oembed.body.title).toContain(pkg.ana.ballotName.value);
    expect(cheerio.load(oembed.body.html)('iframe').attr('title')).toContain(pkg.ana.ballotName.value);
  });

  it('serves downloads and the API as data, never as a page a browser would run', async () => {
    const x = XSS_ELECTION;
    const data = [
      `/data/${x}.json`,
      `/data/${x}.csv`,
      `/data/${x}-coherence.csv`,
      `/api/v1/elections/${x}`,
      `/api/v1/elections/${x}/candidates?race=prefeito`,
      `/api/v1/elections/${x}/changes`,
      `/api/v1/elections/${x}/coherence`,
    ];
    for (const path of data) {
      const res = await request(ctx.app).get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toMatch(/^(application\/json|text\/csv)/);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
    }
  });

  it('shows every payload on some page (none was left out of the checks)', () => {
    const never = scenario.fields.filter((field) => !seen.has(field)).map((field) => `${field.tag} ${field.where}`);
    // Rightly shown nowhere: no page shows a candidate's photo (the form shows the address it was given, checked
    // with the candidate form's), and a published justification the candidate replaced is not shown any more.
    const nowhere = [pkg.ana.photoUrl, forms.candidate.published.s1].map((field) => `${field.tag} ${field.where}`);
    expect(never).toEqual(nowhere);
  });
});
