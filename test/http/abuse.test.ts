import * as cheerio from 'cheerio';
import { pino } from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { seededRandom } from '../../src/domain/fairness.js';
import { writePackage } from '../../src/services/election-packages.js';
import { acceptInvitation, csrfOf, inviteLink, logInAs, signedInAdmin } from '../helpers/accounts.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * Abuse limits (issue 9): links that do not work per address, uploads to the
 * import forms per organizer, upload sizes, and CORS only on the read API.
 * Every limit is read from the configuration; these tests set small ones.
 */

const e = 'vila-pequena-2028';
/** A token of the right shape that no link has. */
const made = (letter: string) => letter.repeat(43);
const mainText = (res: request.Response) => cheerio.load(res.text)('main').text();
const errorsOf = (res: request.Response) => {
  const $ = cheerio.load(res.text);
  return $('#form-errors li').map((_, li) => $(li).text()).get();
};

describe('links that do not work', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    // `loopback`: the test client's X-Forwarded-For is believed, so a test can speak from another address.
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', INVITATION_MAX_FAILURES_PER_IP: '3', TRUST_PROXY: 'loopback' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
  });
  afterEach(() => ctx.close());

  it('refuses the fourth bad token from one address within an hour with a 429; good links before it work', async () => {
    const guesser = request.agent(ctx.app);
    // Bad tokens count wherever they are tried: invitation, password reset, organizer set-up, or a forged link cookie.
    expect((await guesser.get(`/candidate/invitation/${made('A')}`)).status).toBe(404);
    expect((await guesser.get(`/candidate/reset/${made('B')}`)).status).toBe(404);

    // A good invitation, from the same address, still works, and a weak password on its form is not a bad token.
    const carla = request.agent(ctx.app);
    const link = await inviteLink(ctx, e, 'carla');
    expect((await carla.get(link)).status).toBe(303);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const form = await carla.get('/candidate/welcome');
      expect(form.status).toBe(200);
      const weak = await carla.post('/candidate/welcome').type('form').send({ _csrf: csrfOf(form), email: 'carla@example.org', password: 'short', confirm: 'short' });
      expect(weak.status).toBe(400);
    }
    await acceptInvitation(carla, link, 'carla@example.org');

    const forged = await request(ctx.app).get('/candidate/welcome').set('Cookie', `concordo_link=${made('C')}`);
    expect(forged.status).toBe(404);

    // Three bad tokens: the fourth try is refused before its token is looked at.
    const blocked = await guesser.get(`/admin/setup/${made('D')}?lang=en`);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^text\/html/);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expect(cheerio.load(blocked.text)('h1').text()).toBe('Too many attempts');
    expect(mainText(blocked)).toContain('Too many links that do not work were opened from your address.');
    expect(mainText(await guesser.get(`/candidate/invitation/${made('E')}?lang=pt-BR`))).toContain('Muitos links que não funcionam foram abertos a partir do seu endereço.');
    expect(mainText(await guesser.get(`/candidate/invitation/${made('E')}?lang=es`))).toContain('Se abrieron demasiados enlaces que no funcionan desde su dirección.');

    // From that address even a good link waits; it stays unused, and opens from another address.
    const bruno = await inviteLink(ctx, e, 'bruno');
    expect((await request(ctx.app).get(bruno)).status).toBe(429);
    const used = await ctx.db.selectFrom('invitations').select((eb) => eb.fn.countAll().as('n')).where('used_at', 'is not', null).executeTakeFirstOrThrow();
    expect(Number(used.n)).toBe(1);
    const elsewhere = await request(ctx.app).get(bruno).set('X-Forwarded-For', '203.0.113.7');
    expect(elsewhere.status).toBe(303);
    expect(elsewhere.headers.location).toBe('/candidate/welcome');
  });

  it('takes its limit from INVITATION_MAX_FAILURES_PER_IP (20 by default)', async () => {
    expect(ctx.config.invitationMaxFailuresPerIp).toBe(3);
    const defaults = await createTestContext();
    try {
      expect(defaults.config.invitationMaxFailuresPerIp).toBe(20);
      for (let attempt = 1; attempt <= 20; attempt += 1) expect((await request(defaults.app).get(`/candidate/invitation/${made('F')}`)).status).toBe(404);
      expect((await request(defaults.app).get(`/candidate/invitation/${made('F')}`)).status).toBe(429);
    } finally {
      await defaults.close();
    }
  });
});

describe('imports', () => {
  let ctx: TestContext;
  let admin: TestAgent;
  const importPage = `/admin/e/${e}/import`;
  const votesPage = `/admin/e/${e}/votes`;
  /** Uploads through a form of the page, as a browser would, with its CSRF token in the address. */
  const upload = async (agent: TestAgent, path: 'package' | 'tse', content: string | Buffer, lang = 'en') => {
    const token = csrfOf(await agent.get(importPage));
    return agent.post(`/admin/e/${e}/import/${path}?_csrf=${encodeURIComponent(token)}&lang=${lang}`).attach('file', Buffer.from(content), path === 'tse' ? 'consulta_cand.csv' : 'package.json');
  };
  const uploadVotes = async (agent: TestAgent, votes: string | Buffer, links: string | Buffer, lang = 'en') => {
    const action = cheerio.load((await agent.get(`${votesPage}?lang=${lang}`)).text)('form[enctype="multipart/form-data"]').attr('action')!;
    return agent.post(action).attach('votes', Buffer.from(votes), 'votes.csv').attach('links', Buffer.from(links), 'links.csv');
  };
  const roster = Buffer.from(
    [
      'SQ_CANDIDATO;NM_CANDIDATO;NM_URNA_CANDIDATO;NR_CANDIDATO;SG_UF;SG_UE;NM_UE;CD_CARGO;DS_CARGO;SG_PARTIDO;NR_PARTIDO;NM_PARTIDO',
      '2001;ELISA MOURA;ELISA;71003;AC;01554;VILA PEQUENA;13;VEREADOR;PA;71;PARTIDO DA ARVORE',
    ].join('\r\n'),
    'latin1',
  );
  const renamed = () => {
    const pkg = loadFixture('small-election.json');
    pkg.candidates[1]!.name = 'Bruno Lima da Silva';
    return JSON.stringify(pkg);
  };
  /** Everything an import could write. */
  const snapshot = async () => {
    const tables = ['elections', 'candidates', 'answers', 'answer_history', 'import_jobs', 'roll_calls', 'roll_call_votes', 'roll_call_links', 'audit_log'] as const;
    const counts = await Promise.all(tables.map(async (t) => Number((await ctx.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));
    const names = await ctx.db.selectFrom('candidates').select(['key', 'name']).orderBy('key').execute();
    return JSON.stringify({ counts, names });
  };

  afterEach(() => ctx.close());

  it('refuses the third upload of an organizer within an hour with a 429 on the import page, writing nothing', async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', IMPORTS_PER_HOUR: '2' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    admin = request.agent(ctx.app);
    await signedInAdmin(ctx, admin, 'org@example.org');

    // Two uploads, whatever their outcome: a package that is imported, roll-call files that are refused.
    expect((await upload(admin, 'package', renamed())).status).toBe(303);
    expect((await uploadVotes(admin, 'nothing,useful\n', 'here\n')).status).toBe(400);
    const before = await snapshot();
    expect(before).toContain('Bruno Lima da Silva');

    const roster3 = await upload(admin, 'tse', roster);
    expect(roster3.status).toBe(429);
    expect(roster3.headers['retry-after']).toMatch(/^\d+$/);
    const $ = cheerio.load(roster3.text);
    expect($('h1').text()).toBe('Import and export');
    expect(errorsOf(roster3)).toEqual(['Too many imports: at most 2 an hour. Nothing was imported; try again later.']);
    // The page is the import page again, its forms ready for later.
    expect($('form[enctype="multipart/form-data"]').length).toBe(2);

    const package4 = await upload(admin, 'package', '{}', 'pt-BR');
    expect(package4.status).toBe(429);
    expect(errorsOf(package4)).toEqual(['Importações demais: no máximo 2 por hora. Nada foi importado; tente de novo mais tarde.']);
    const votes5 = await uploadVotes(admin, 'a\n', 'b\n', 'es');
    expect(votes5.status).toBe(429);
    expect(errorsOf(votes5)).toEqual(['Demasiadas importaciones: como máximo 2 por hora. No se importó nada; inténtelo de nuevo más tarde.']);
    expect(await snapshot()).toBe(before);

    // The count is the organizer's: another one may still import.
    const other = request.agent(ctx.app);
    await signedInAdmin(ctx, other, 'other@example.org');
    expect((await upload(other, 'package', renamed())).status).toBe(303);
  });

  it('refuses a file over UPLOAD_MAX_MB or ROSTER_UPLOAD_MAX_MB with a 413 on the import page, writing nothing', async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', UPLOAD_MAX_MB: '1', ROSTER_UPLOAD_MAX_MB: '2' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    admin = request.agent(ctx.app);
    await signedInAdmin(ctx, admin, 'org@example.org');
    const before = await snapshot();
    const over = (mb: number) => Buffer.alloc(mb * 1024 * 1024 + 1, 'a');

    const pkg = await upload(admin, 'package', over(1));
    expect(pkg.status).toBe(413);
    expect(pkg.headers['content-type']).toMatch(/^text\/html/);
    expect(errorsOf(pkg)).toEqual(['The file is larger than 1 MB. Nothing was imported.']);
    const tse = await upload(admin, 'tse', over(2), 'pt-BR');
    expect(tse.status).toBe(413);
    expect(errorsOf(tse)).toEqual(['O arquivo tem mais de 2 MB. Nada foi importado.']);
    const votes = await uploadVotes(admin, over(1), 'statement_id,vote_id,direction\n', 'es');
    expect(votes.status).toBe(413);
    expect(errorsOf(votes)).toEqual(['El archivo tiene más de 1 MB. No se importó nada.']);
    expect(await snapshot()).toBe(before);
  });
});

describe('CORS', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
  });
  afterEach(() => ctx.close());

  it('is sent by the read API and open data only, never by pages or forms', async () => {
    for (const path of ['/api/v1/elections', `/api/v1/elections/${e}`, `/api/v1/elections/${e}/candidates`, `/data/${e}.csv`, `/data/${e}.json`]) {
      const res = await request(ctx.app).get(path).set('Origin', 'https://news.example');
      expect(res.status, path).toBe(200);
      expect(res.headers['access-control-allow-origin'], path).toBe('*');
      expect(res.headers['access-control-allow-credentials'], path).toBeUndefined();
    }
    for (const path of ['/', `/e/${e}`, `/e/${e}/quiz`, '/data', '/methodology', '/candidate/login', '/admin/login', '/volunteer/signup', `/embed/e/${e}/results`]) {
      const res = await request(ctx.app).get(path).set('Origin', 'https://evil.example');
      expect(res.status, path).toBeLessThan(400);
      expect(res.headers['access-control-allow-origin'], path).toBeUndefined();
    }
    // Forms that change state: no CORS on their answers, nor on their preflights.
    for (const path of ['/candidate/login', '/candidate/welcome', '/admin/login', `/admin/e/${e}/import/package`, `/admin/e/${e}/votes/import`, '/volunteer/signup']) {
      const post = await request(ctx.app).post(path).set('Origin', 'https://evil.example').type('form').send({ email: 'x@example.org' });
      expect(post.status, path).toBeGreaterThanOrEqual(300);
      expect(post.headers['access-control-allow-origin'], path).toBeUndefined();
      const preflight = await request(ctx.app).options(path).set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin'], path).toBeUndefined();
      expect(preflight.headers['access-control-allow-methods'], path).toBeUndefined();
    }
  });
});

describe('limits that guard accounts, with several app processes', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext({ PASSWORD_SCRYPT_LOG_N: '10', LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    await acceptInvitation(request.agent(ctx.app), await inviteLink(ctx, e, 'carla'), 'carla@example.org');
  });
  afterEach(() => ctx.close());

  /** Another app process over the same database, as WORKERS or a second machine would start. */
  const anotherProcess = () =>
    createApp({ config: ctx.config, db: ctx.db, clock: ctx.clock, logger: pino({ level: 'silent' }), random: seededRandom(7), secret: 'test-secret-of-at-least-32-characters!' });
  const failedLogin = async (app: ReturnType<typeof createApp>) => {
    const res = await logInAs(request.agent(app), { email: 'carla@example.org', password: 'a wrong guess at it' });
    return res.status;
  };

  it('count failed sign-ins made in any process against one limit', async () => {
    const other = anotherProcess();
    expect(await failedLogin(ctx.app)).toBe(401);
    expect(await failedLogin(other)).toBe(401);
    expect(await failedLogin(ctx.app)).toBe(401);
    // The fourth, in either process, is refused; even with the right password.
    expect(await failedLogin(other)).toBe(429);
    expect(await failedLogin(ctx.app)).toBe(429);
    expect((await logInAs(request.agent(other), { email: 'carla@example.org' })).status).toBe(429);
  });

  it('keep no address or e-mail, and start again when the hour is over', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) expect(await failedLogin(ctx.app)).toBe(401);
    expect(await failedLogin(ctx.app)).toBe(429);
    const keys = (await ctx.db.selectFrom('rate_limits').select('key').execute()).map((row) => row.key);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toContain('carla');
      expect(key).not.toMatch(/127\.0\.0\.1|::1/);
    }
    ctx.clock.set('2028-09-01T13:00:00.001Z');
    expect((await logInAs(request.agent(anotherProcess()), { email: 'carla@example.org' })).status).toBe(303);
  });
});
