import * as cheerio from 'cheerio';
import { pino } from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { seededRandom } from '../../src/domain/fairness.js';
import { writePackage } from '../../src/services/election-packages.js';
import { acceptInvitation, csrfOf, inviteLink } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * Publications per candidate per hour (issue 20): each one writes public,
 * chained history and makes every process rebuild the race, so a candidate
 * (or a stolen session) publishing in a loop is stopped at PUBLICATIONS_PER_HOUR,
 * counted in the database so that every app process counts against one limit.
 */

const e = 'vila-pequena-2028';

describe('publications per candidate per hour', () => {
  let ctx: TestContext;
  let carla: TestAgent;
  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', PUBLICATIONS_PER_HOUR: '2' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    carla = request.agent(ctx.app);
    await acceptInvitation(carla, await inviteLink(ctx, e, 'carla'), 'carla@example.org');
  });
  afterEach(() => ctx.close());

  /** Another app process over the same database, as WORKERS or a second machine would start. */
  const anotherProcess = () =>
    createApp({ config: ctx.config, db: ctx.db, clock: ctx.clock, logger: pino({ level: 'silent' }), random: seededRandom(7), secret: 'test-secret-of-at-least-32-characters!' });
  /** Presses the dashboard's publish button. */
  const publish = async (agent: TestAgent, lang = 'en') => {
    const token = csrfOf(await agent.get('/candidate'));
    return agent.post(`/candidate/publish?lang=${lang}`).type('form').send({ _csrf: token });
  };
  /** Saves s1 as `value` and publishes. */
  const changeAndPublish = async (agent: TestAgent, value: number) => {
    const form = await agent.get('/candidate/questionnaire');
    expect((await agent.post('/candidate/questionnaire').type('form').send({ _csrf: csrfOf(form), v_s1: String(value), next: 'draft' })).status).toBe(303);
    return publish(agent);
  };
  const publicValue = async () => cheerio.load((await request(ctx.app).get(`/e/${e}/candidates/carla?lang=en`)).text)('.answer .value').first().text().trim();
  const history = async () => Number((await ctx.db.selectFrom('answer_history').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('refuses the third in an hour, in any process, on the dashboard with a message; the hour over, publishing works again', async () => {
    expect((await changeAndPublish(carla, 4)).status).toBe(303);
    // The second through another process, with the same session.
    const elsewhere = request.agent(anotherProcess());
    elsewhere.jar.setCookies(carla.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).map((cookie) => cookie.toString()));
    expect((await changeAndPublish(elsewhere, 2)).status).toBe(303);
    expect(await publicValue()).toBe('Disagree');
    expect(await history()).toBe(1);

    const refused = await changeAndPublish(carla, 5);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.headers['content-type']).toMatch(/^text\/html/);
    const $ = cheerio.load(refused.text);
    // The dashboard, not an error page: the draft is kept and its publish button is there for later.
    expect($('h1').text()).toBe('Carla');
    expect($('#form-error').text()).toBe('You have published 2 times in the last hour, the most allowed. Your draft is saved; publish it later.');
    expect($('form.publish button').text()).toBe('Publish changes');
    expect(await publicValue()).toBe('Disagree');
    expect(await history()).toBe(1);
    // In every language.
    const pt = cheerio.load((await publish(carla, 'pt-BR')).text);
    expect(pt('#form-error').text()).toBe('Você publicou 2 vezes na última hora, o máximo permitido. Seu rascunho está salvo; publique mais tarde.');
    const es = cheerio.load((await publish(carla, 'es')).text);
    expect(es('#form-error').text()).toBe('Ha publicado 2 veces en la última hora, el máximo permitido. Su borrador está guardado; publíquelo más tarde.');
    expect((await changeAndPublish(elsewhere, 5)).status).toBe(429);

    // The count is the candidate's: another candidate publishes.
    const bruno = request.agent(ctx.app);
    await acceptInvitation(bruno, await inviteLink(ctx, e, 'bruno'), 'bruno@example.org');
    expect((await changeAndPublish(bruno, 3)).status).toBe(303);

    ctx.clock.set('2028-09-01T13:00:00.001Z');
    expect((await changeAndPublish(carla, 5)).status).toBe(303);
    expect(await publicValue()).toBe('Strongly agree');
  });

  it('does not count a publication that publishes nothing', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await publish(carla)).status).toBe(409);
    expect((await changeAndPublish(carla, 4)).status).toBe(303);
  });

  it('allows 20 an hour unless PUBLICATIONS_PER_HOUR says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).publicationsPerHour).toBe(20);
    expect(ctx.config.publicationsPerHour).toBe(2);
  });
});
