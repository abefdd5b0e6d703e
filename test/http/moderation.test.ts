import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ElectionPackage } from '../../src/formats/election-package.js';
import { importElectionPackage, writePackage } from '../../src/services/election-packages.js';
import { acceptInvitation, csrfOf, inviteLink, signedInAdmin } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { commandLine } from '../helpers/cli.js';
import { dumpTables } from '../helpers/database.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * A justification the organizers hide, or a court orders removed, is gone
 * from every public output: pages, widgets, API, open data, the change
 * history, and the candidate's own form and preview, in every language.
 * The small election (fixtures/small-election.json): carla runs for the
 * council (race vereador) and is marked elected; davi has published.
 */
const e = 'vila-pequena-2028';
const MARKER = 'MARCADOR-7f3a9c texto que a organizacao vai ocultar';
const REASON = 'Ataque pessoal a terceiros (decisao 12-2028)';
const NEW_TEXT = 'Texto novo e respeitoso sobre as arvores';
const LANGS = ['pt-BR', 'es', 'en'] as const;

/** Every public output that can show one of carla's justifications, and those that show the reason in its place. */
const SHOWS_REASON = [
  `/e/${e}/candidates/carla`,
  `/e/${e}/statements/s1`,
  `/e/${e}/statements/s1?race=vereador`,
  `/e/${e}/compare?c=carla,davi`,
  `/e/${e}/transparency`,
  `/embed/e/${e}/statements/s1`,
  `/embed/e/${e}/statements/s1?race=vereador`,
  `/api/v1/elections/${e}/candidates`,
  `/api/v1/elections/${e}/candidates?race=vereador`,
  `/api/v1/elections/${e}/changes`,
  `/data/${e}.json`,
  `/data/${e}.csv`,
];
const OTHER_OUTPUTS = [
  `/e/${e}`,
  `/e/${e}/races/vereador`,
  `/e/${e}/elected`,
  `/e/${e}/results?race=vereador&a=4525`,
  `/embed/e/${e}/candidates/carla`,
  `/embed/e/${e}/races/vereador/matrix`,
  `/embed/e/${e}/elected`,
  `/embed/e/${e}/quiz`,
  `/embed/e/${e}/results?race=vereador&a=4525`,
  `/api/v1/elections/${e}`,
  `/api/v1/elections/${e}/coherence`,
];
/** The candidate's own pages. */
const OWN_PAGES = ['/candidate/questionnaire', '/candidate/preview'];

const withLang = (url: string, lang: string) => `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;

describe('moderation and the public record', () => {
  let ctx: TestContext;
  let carla: TestAgent;
  let organizer: TestAgent;

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    carla = request.agent(ctx.app);
    await acceptInvitation(carla, await inviteLink(ctx, e, 'carla'), 'carla@example.org');
    organizer = request.agent(ctx.app);
    await signedInAdmin(ctx, organizer, 'organizer@example.org');
  });
  afterEach(() => ctx.close());

  const publish = async (fields: Record<string, string>) => {
    const form = await carla.get('/candidate/questionnaire');
    expect((await carla.post('/candidate/questionnaire').type('form').send({ _csrf: csrfOf(form), ...fields })).status).toBe(303);
    expect((await carla.post('/candidate/publish').type('form').send({ _csrf: csrfOf(await carla.get('/candidate')) })).status).toBe(303);
  };
  const moderation = `/admin/e/${e}/moderation`;
  const moderate = async (fields: Record<string, string>) => {
    // The token first: a request takes the agent's cookies when it is made.
    const token = csrfOf(await organizer.get(moderation));
    return organizer.post(`${moderation}?lang=en`).type('form').send({ _csrf: token, ...fields });
  };

  /** Fetches every output in every language: none holds the words; those that showed them show the reason. */
  async function expectGoneEverywhere(words: string) {
    for (const lang of LANGS) {
      for (const url of [...SHOWS_REASON, ...OTHER_OUTPUTS]) {
        const res = await request(ctx.app).get(withLang(url, lang));
        expect(res.status, url).toBe(200);
        expect(res.text.includes(words), `${url} (${lang}) holds the hidden words`).toBe(false);
        if (SHOWS_REASON.includes(url)) expect(res.text, `${url} (${lang}) lacks the reason`).toContain(REASON);
      }
      for (const url of OWN_PAGES) {
        const res = await carla.get(withLang(url, lang));
        expect(res.status, url).toBe(200);
        expect(res.text.includes(words), `${url} (${lang}) holds the hidden words`).toBe(false);
        expect(res.text, `${url} (${lang}) lacks the reason`).toContain(REASON);
      }
    }
  }

  it('hides a justification from every output, in the history too, and shows a new one the candidate writes', async () => {
    // Published, then changed after publication: the words are in the history, before and after.
    await publish({ v_s1: '4', j_s1: MARKER, v_s2: '5' });
    await publish({ v_s1: '2', j_s1: MARKER, v_s2: '5' });
    // Every widget is rendered (and kept) while the words are still shown.
    for (const url of [...SHOWS_REASON, ...OTHER_OUTPUTS]) expect((await request(ctx.app).get(url)).status, url).toBe(200);
    expect((await request(ctx.app).get(`/embed/e/${e}/statements/s1?race=vereador`)).text).toContain(MARKER);
    expect((await request(ctx.app).get(`/e/${e}/transparency`)).text).toContain(MARKER);

    const hidden = await moderate({ candidate: 'carla', statement: 's1', action: 'hide', reason: REASON });
    expect(hidden.status, cheerio.load(hidden.text)("main").text()).toBe(303);
    await expectGoneEverywhere(MARKER);

    // The candidate sees the reason, not the words, and writes new ones: those are public.
    const form = cheerio.load((await carla.get('/candidate/questionnaire?lang=en')).text);
    expect(form('#j_s1').text()).toBe('');
    expect(form('#withheld-s1').text()).toContain(REASON);
    await publish({ v_s1: '2', j_s1: NEW_TEXT, v_s2: '5' });
    const page = cheerio.load((await request(ctx.app).get(`/e/${e}/candidates/carla?lang=en`)).text);
    expect(page('.answers .justification').first().text()).toBe(NEW_TEXT);
    expect(page('.answers .moderated').length).toBe(0);
    // In the history, the hidden words stay hidden where they were, the new ones are shown.
    const latest = page('.history > li').first();
    expect(latest.find('.history-texts dd').first().text()).toBe(`Justification hidden by the organizers: ${REASON}`);
    expect(latest.find('.history-texts dd').last().text()).toBe(NEW_TEXT);
    const api = await request(ctx.app).get(`/api/v1/elections/${e}/candidates?race=vereador`);
    expect(api.body.candidates.find((c: { id: string }) => c.id === 'carla').answers.s1).toEqual({ value: 2, justification: NEW_TEXT, hiddenReason: null });
    for (const lang of LANGS) {
      for (const url of [...SHOWS_REASON, ...OTHER_OUTPUTS]) {
        expect((await request(ctx.app).get(withLang(url, lang))).text.includes(MARKER), url).toBe(false);
      }
    }

    // Writing the hidden words again does not bring them back.
    await publish({ v_s1: '2', j_s1: MARKER, v_s2: '5' });
    for (const url of [...SHOWS_REASON, ...OTHER_OUTPUTS]) expect((await request(ctx.app).get(url)).text.includes(MARKER), url).toBe(false);
    expect((await carla.get('/candidate/preview')).text.includes(MARKER)).toBe(false);
    expect((await commandLine(ctx.config.databaseUrl)('verify')).code).toBe(0);
  });

  it('leaves hidden words out of the election package, gives their reason, and imports it back unchanged', async () => {
    expect((await moderate({ candidate: 'ana', statement: 's1', action: 'hide', reason: REASON })).status).toBe(303);
    const words = 'A cidade perdeu sombra nas últimas décadas.';
    const exported = await request(ctx.app).get(`/data/${e}.json`);
    expect(exported.text).not.toContain(words);
    const pkg = JSON.parse(exported.text) as ElectionPackage;
    expect(pkg.candidates.find((c) => c.id === 'ana')!.answers!.s1).toEqual({ value: 5, hiddenReason: REASON });

    // Imported back: nothing changes, no history; the words stay kept and hidden.
    const record = async () => JSON.stringify(await Promise.all((['answers', 'answer_history', 'justification_texts'] as const).map((t) => ctx.db.selectFrom(t).selectAll().execute())));
    const before = await record();
    const again = await importElectionPackage(ctx, { source: exported.text, actor: 'test' });
    expect(again.ok && again.summary.historyEntries).toBe(0);
    expect(await record()).toBe(before);

    // Into another database: the answer, with the reason and without the words.
    const other = await createTestContext();
    try {
      expect((await importElectionPackage(other, { source: exported.text, actor: 'test' })).ok).toBe(true);
      const api = await request(other.app).get(`/api/v1/elections/${e}/candidates?race=prefeito`);
      expect(api.body.candidates.find((c: { id: string }) => c.id === 'ana').answers.s1).toEqual({ value: 5, justification: null, hiddenReason: REASON });
      expect((await request(other.app).get(`/data/${e}.json`)).text).toBe(exported.text);
    } finally {
      await other.close();
    }
  });

  it('hides words that are only in the history, and shows them again on restore', async () => {
    await publish({ v_s1: '4', j_s1: MARKER });
    await publish({ v_s1: '4', j_s1: NEW_TEXT });
    const list = cheerio.load((await organizer.get(`${moderation}?lang=en`)).text);
    const item = list('li.answer').filter((_, li) => list(li).find('blockquote').text() === MARKER);
    expect(item.find('.where').text()).toBe('in the change history');
    const text = item.find('input[name=text]').first().attr('value')!;
    expect((await moderate({ candidate: 'carla', statement: 's1', text, action: 'hide', reason: REASON })).status).toBe(303);
    const transparency = await request(ctx.app).get(`/e/${e}/transparency?lang=en`);
    expect(transparency.text).not.toContain(MARKER);
    expect(transparency.text).toContain(REASON);
    // The published answer, with other words, is untouched.
    expect((await request(ctx.app).get(`/e/${e}/candidates/carla`)).text).toContain(NEW_TEXT);

    expect((await moderate({ candidate: 'carla', statement: 's1', text, action: 'restore' })).status).toBe(303);
    expect((await request(ctx.app).get(`/e/${e}/transparency?lang=en`)).text).toContain(MARKER);
  });

  it('redacts words for good: gone from the database, the reason in their place, the history still verifies', async () => {
    await publish({ v_s1: '4', j_s1: MARKER, v_s2: '5' });
    await publish({ v_s1: '2', j_s1: MARKER, v_s2: '5' });
    // A draft holds the words too.
    const form = await carla.get('/candidate/questionnaire');
    await carla.post('/candidate/questionnaire').type('form').send({ _csrf: csrfOf(form), v_s1: '2', j_s1: MARKER, v_s2: '4' });

    const list = cheerio.load((await organizer.get(`${moderation}?lang=en`)).text);
    const item = list('li.answer').filter((_, li) => list(li).find('blockquote').text() === MARKER);
    expect(item.find('.where').text()).toBe('published answer');
    const text = item.find('form input[name=text]').first().attr('value')!;
    // A redaction needs a reason and the organizer's confirmation.
    const unconfirmed = await moderate({ candidate: 'carla', statement: 's1', text, action: 'redact', reason: REASON });
    expect(unconfirmed.status).toBe(400);
    expect(cheerio.load(unconfirmed.text)('.error-summary li').text()).toBe('Confirm that the words are to be deleted for good.');
    expect((await moderate({ candidate: 'carla', statement: 's1', text, action: 'redact', reason: 'x', confirm: 'yes' })).status).toBe(400);
    expect((await ctx.db.selectFrom('justification_texts').select('text').where('id', '=', Number(text)).executeTakeFirstOrThrow()).text).toBe(MARKER);

    expect((await moderate({ candidate: 'carla', statement: 's1', text, action: 'redact', reason: REASON, confirm: 'yes' })).status).toBe(303);
    // Nowhere in the database: not in the answer, the kept texts, the draft, nor any log.
    expect(JSON.stringify(await dumpTables(ctx.db))).not.toContain(MARKER);
    await expectGoneEverywhere(MARKER);
    const page = cheerio.load((await request(ctx.app).get(`/e/${e}/candidates/carla?lang=en`)).text);
    expect(page('.history-texts dd').first().text()).toBe(`Justification removed by the organizers: ${REASON}`);
    const changes = await request(ctx.app).get(`/api/v1/elections/${e}/changes`);
    expect(changes.body.changes[0].old).toMatchObject({ answered: true, value: 4, justification: null, hiddenReason: REASON, redacted: true });
    expect(changes.body.changes[0].old.justificationSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await request(ctx.app).get(`/e/${e}/transparency?lang=en`)).text).toContain('justification removed for good');
    // The organizers' page says so; it cannot be undone, nor done twice.
    const after = cheerio.load((await organizer.get(`${moderation}?lang=en`)).text);
    expect(after(`#text-${text} .moderated`).text()).toContain(REASON);
    expect(after(`#text-${text} form`).length).toBe(0);
    expect((await moderate({ candidate: 'carla', statement: 's1', text, action: 'restore' })).status).toBe(409);
    expect((await moderate({ candidate: 'carla', statement: 's1', text, action: 'redact', reason: REASON, confirm: 'yes' })).status).toBe(409);
    const audit = await ctx.db.selectFrom('audit_log').select(['actor', 'action']).where('action', '=', 'moderation-redact').execute();
    expect(audit).toEqual([{ actor: 'organizer@example.org', action: 'moderation-redact' }]);

    const verified = await commandLine(ctx.config.databaseUrl)('verify');
    expect(verified.stdout + verified.stderr).toContain(`History of “${e}”: 1 entry, chain intact.`);
    expect(verified.code).toBe(0);
  });
});
