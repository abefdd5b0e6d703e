import { createHash } from 'node:crypto';
import * as cheerio from 'cheerio';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { acceptInvitation, csrfOf, inviteLink } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * Each entry of the change history says what happened: the answer before and
 * after ("did not answer" when there was none, "chose not to answer" for an
 * answer without a value) and both justifications, on the candidate's page,
 * in the transparency log and in the changes API.
 * The small election: s1, s2, s4 have 5 points, s3 has 3; carla has not answered yet.
 */
const e = 'vila-pequena-2028';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the change history', () => {
  let ctx: TestContext;
  let carla: TestAgent;

  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    carla = request.agent(ctx.app);
    await acceptInvitation(carla, await inviteLink(ctx, e, 'carla'), 'carla@example.org');
  });
  afterEach(() => ctx.close());

  const publish = async (fields: Record<string, string>) => {
    const form = await carla.get('/candidate/questionnaire');
    expect((await carla.post('/candidate/questionnaire').type('form').send({ _csrf: csrfOf(form), ...fields })).status).toBe(303);
    expect((await carla.post('/candidate/publish').type('form').send({ _csrf: csrfOf(await carla.get('/candidate')) })).status).toBe(303);
  };

  it('tells “did not answer” from “chose not to answer” and shows both values and justifications', async () => {
    await publish({ v_s1: '4', j_s1: 'Sombra para todos.', v_s3: 'none' });
    // s1: agree → no answer (and no justification); s2: none → strongly agree; s3: no answer → a value.
    await publish({ v_s1: 'none', v_s2: '5', j_s2: 'O córrego é de todos.', v_s3: '2' });
    // s1: no answer → none at all.
    await publish({ v_s2: '5', j_s2: 'O córrego é de todos.', v_s3: '2' });

    const page = cheerio.load((await request(ctx.app).get(`/e/${e}/candidates/carla?lang=en`)).text);
    const entries = page('.history > li');
    expect(entries.length).toBe(4);
    const change = (i: number) => entries.eq(i).clone().children('.history-texts, code, time').remove().end().text().replace(/\s+/g, ' ');
    expect(change(0)).toContain('from “Chose not to answer” to “Did not answer”');
    expect(change(1)).toMatch(/s3 .*: from “Chose not to answer” to “[^”]+”/);
    expect(change(2)).toContain('from “Did not answer” to “Strongly agree”');
    expect(change(3)).toContain('from “Agree” to “Chose not to answer”');
    const texts = (i: number) => entries.eq(i).find('.history-texts dt, .history-texts dd').map((_, el) => page(el).text()).get();
    expect(texts(0)).toEqual([]);
    expect(texts(2)).toEqual(['Justification before', 'none', 'Justification after', 'O córrego é de todos.']);
    expect(texts(3)).toEqual(['Justification before', 'Sombra para todos.', 'Justification after', 'none']);

    // The transparency log says the same, with both justifications.
    const log = cheerio.load((await request(ctx.app).get(`/e/${e}/transparency?lang=en`)).text);
    const rows = log('#changes-heading').parent().find('ol.history > li');
    expect(rows.length).toBe(4);
    expect(rows.eq(3).text()).toContain('from “Agree” to “Chose not to answer”');
    expect(rows.eq(3).find('.history-texts dd').map((_, dd) => log(dd).text()).get()).toEqual(['Sombra para todos.', 'none']);
    expect(rows.eq(0).text()).toContain('from “Chose not to answer” to “Did not answer”');
    // In every language.
    const pt = cheerio.load((await request(ctx.app).get(`/e/${e}/transparency?lang=pt-BR`)).text);
    expect(pt('#changes-heading').parent().find('ol.history > li').eq(0).text()).toContain('de “Preferiu não responder” para “Não respondeu”');
    const es = cheerio.load((await request(ctx.app).get(`/e/${e}/transparency?lang=es`)).text);
    expect(es('#changes-heading').parent().find('ol.history > li').eq(0).text()).toContain('de «Prefirió no responder» a «No respondió»');

    // The changes API: the old and the new answer, each with its value and justification.
    const api = await request(ctx.app).get(`/api/v1/elections/${e}/changes`);
    const bySeq = Object.fromEntries(api.body.changes.map((c: { seq: number }) => [c.seq, c]));
    const none = { answered: false, value: null, justification: null, justificationSha256: null, hiddenReason: null, redacted: false };
    const noAnswer = { ...none, answered: true };
    expect(bySeq[1]).toMatchObject({
      candidate: 'carla',
      statement: 's1',
      actor: 'candidate',
      old: { answered: true, value: 4, justification: 'Sombra para todos.', justificationSha256: sha256('Sombra para todos.'), hiddenReason: null, redacted: false },
      new: noAnswer,
    });
    expect(bySeq[2]).toMatchObject({
      statement: 's2',
      old: none,
      new: { answered: true, value: 5, justification: 'O córrego é de todos.', justificationSha256: sha256('O córrego é de todos.'), hiddenReason: null, redacted: false },
    });
    expect(bySeq[3]).toMatchObject({ statement: 's3', old: noAnswer, new: { ...noAnswer, value: 2 } });
    expect(bySeq[4]).toMatchObject({ statement: 's1', old: noAnswer, new: none });
  });
});
