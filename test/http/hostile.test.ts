import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePackage } from '../../src/services/election-packages.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { acceptInvitation, csrfOf, inviteLink, signedInAdmin } from '../helpers/accounts.js';
import { loadFixture } from '../helpers/packages.js';

/*
 * Hostile input: thousands of generated query strings, bodies and headers
 * sent to the public forms and JSON endpoints. Whatever arrives, the answer
 * is a 2xx, 3xx or 4xx — never a 5xx — and nothing is written.
 */
describe('hostile input', () => {
  let ctx: TestContext;
  let snapshot: () => Promise<string>;
  const tried: Record<string, number> = {};
  const tables = ['elections', 'candidates', 'answers', 'answer_drafts', 'answer_history', 'users', 'sessions', 'invitations', 'audit_log', 'outbox'] as const;

  beforeAll(async () => {
    ctx = await createTestContext({ MATCH_RATE_PER_MINUTE: '1000000' });
    expect((await writePackage(ctx, { pkg: loadFixture('small-election.json'), actor: 'test' })).ok).toBe(true);
    snapshot = async () => {
      const counts = await Promise.all(tables.map(async (t) => Number((await ctx.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));
      const answers = await ctx.db.selectFrom('answers').select(['id', 'value', 'justification', 'hidden_reason']).orderBy('id').execute();
      return JSON.stringify({ counts, answers });
    };
  });
  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`hostile inputs tried: ${Object.entries(tried).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    await ctx.close();
  });

  const text = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom('', '-', '<script>alert(1)</script>', '../../etc/passwd', '%00', '\u0000', '"\'><img src=x onerror=alert(1)>', '9'.repeat(400), 'prefeito', 's1', '543-', '2111', 'é'.repeat(30)),
  );
  const json = fc.jsonValue({ maxDepth: 4 });
  const noServerError = (status: number, what: string) => {
    expect(status, what).toBeGreaterThanOrEqual(200);
    expect(status, what).toBeLessThan(500);
  };

  it('GET pages with generated query strings', async () => {
    const before = await snapshot();
    const paths = ['/', '/e/vila-pequena-2028', '/e/vila-pequena-2028/quiz', '/e/vila-pequena-2028/results', '/e/vila-pequena-2028/compare', '/e/vila-pequena-2028/races/prefeito', '/e/vila-pequena-2028/statements/s1', '/e/vila-pequena-2028/transparency', '/e/vila-pequena-2028/card', '/oembed', '/api/v1/elections/vila-pequena-2028/candidates', '/embed/e/vila-pequena-2028/results', '/data/vila-pequena-2028.csv'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.dictionary(fc.constantFrom('race', 'a', 'w', 'm', 'miss', 'c', 'seed', 'lang', 'party', 'gender', 'rc', 'lgbt', 'ans', 'np', 'cp', 'url', 'maxwidth', 'format', 'page', 'v_s1', 'w_s1', 'x'), text, { maxKeys: 6 }), async (path, query) => {
        tried.get = (tried.get ?? 0) + 1;
        const res = await request(ctx.app).get(path).query(query);
        // oEmbed answers a format other than JSON with the 501 its specification asks for.
        const otherFormat = path === '/oembed' && res.status === 501 && res.body?.error?.code === 'format_not_supported';
        if (!otherFormat) noServerError(res.status, `${path} ${JSON.stringify(query)}`);
      }),
      { numRuns: 800 },
    );
    expect(await snapshot()).toBe(before);
  });

  it('POST match with generated JSON bodies and content types', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(json, fc.record({ race: text, answers: fc.dictionary(text, json), weights: fc.dictionary(text, json), method: text, missing: text }, { requiredKeys: [] })),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
        async (body, type) => {
          tried.match = (tried.match ?? 0) + 1;
          const res = await request(ctx.app).post('/api/v1/elections/vila-pequena-2028/match').set('Content-Type', type).send(JSON.stringify(body));
          noServerError(res.status, JSON.stringify(body));
          if (res.status >= 400) expect(res.body.error?.code, JSON.stringify(body)).toEqual(expect.any(String));
        },
      ),
      { numRuns: 1500 },
    );
    expect(await snapshot()).toBe(before);
  });

  it('POST forms of the signed-in areas with generated bodies, without a session', async () => {
    const before = await snapshot();
    const forms = ['/candidate/login', '/candidate/welcome', '/candidate/questionnaire', '/candidate/publish', '/candidate/profile', '/candidate/reset', '/candidate/password', '/admin/login', '/admin/elections', '/admin/e/vila-pequena-2028/settings', '/admin/e/vila-pequena-2028/moderation', '/volunteer/signup', '/volunteer/login'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...forms), fc.dictionary(fc.constantFrom('email', 'password', 'confirm', '_csrf', 'v_s1', 'j_s1', 'bio', 'links', 'name', 'slug', 'candidate', 'reason', 'action'), text, { maxKeys: 6 }), fc.constantFrom('same-origin', 'cross-site', undefined), async (path, body, site) => {
        tried.forms = (tried.forms ?? 0) + 1;
        const req = request(ctx.app).post(path).type('form');
        if (site) req.set('Sec-Fetch-Site', site);
        const res = await req.send(body);
        noServerError(res.status, `${path} ${JSON.stringify(body)}`);
        // Without a token of a session's cookie, nothing that changes state gets through.
        expect(res.status, path).toBe(403);
      }),
      { numRuns: 600 },
    );
    expect(await snapshot()).toBe(before);
  });

  const e = 'vila-pequena-2028';
  /** A candidate (by key) and an organizer, each signed in in an agent of their own, with their CSRF tokens. */
  async function signedIn(candidateKey: string, organizerEmail: string) {
    const candidate = request.agent(ctx.app);
    await acceptInvitation(candidate, await inviteLink(ctx, e, candidateKey), `${candidateKey}@example.org`);
    const organizer = request.agent(ctx.app);
    await signedInAdmin(ctx, organizer, organizerEmail);
    return {
      candidate,
      candidateToken: csrfOf(await candidate.get('/candidate/questionnaire')),
      organizer,
      organizerToken: csrfOf(await organizer.get(`/admin/e/${e}`)),
    };
  }
  /** Every row of every table a signed-in form may write. */
  const writable = [...tables, 'topics', 'statements', 'races', 'parties', 'moderation_log', 'justification_texts'] as const;
  const state = async () => JSON.stringify(await Promise.all(writable.map((t) => ctx.db.selectFrom(t).selectAll().execute())));

  it('POST forms with generated bodies and headers, signed in as a candidate and as an organizer', async () => {
    const { candidate, candidateToken, organizer, organizerToken } = await signedIn('carla', 'hostile-organizer@example.org');
    const forms = [
      { agent: candidate, token: candidateToken, paths: ['/candidate/questionnaire', '/candidate/profile', '/candidate/publish'] },
      {
        agent: organizer,
        token: organizerToken,
        paths: ['/admin/elections', `/admin/e/${e}/settings`, `/admin/e/${e}/topics`, `/admin/e/${e}/topics/t1`, `/admin/e/${e}/statements`, `/admin/e/${e}/statements/s1`, `/admin/e/${e}/statements/s1/move`, `/admin/e/${e}/races`, `/admin/e/${e}/races/prefeito`, `/admin/e/${e}/parties`, `/admin/e/${e}/candidates/ana/verify`, `/admin/e/${e}/candidates/ana/elected`, `/admin/e/${e}/moderation`],
      },
    ];
    const keys = ['v_s1', 'v_s2', 'j_s1', 'j_s3', 'w_s1', 'bio', 'links', 'photoUrl', 'gender', 'raceColor', 'lgbt', 'collective', 'slug', 'name_pt-BR', 'name_en', 'text_pt-BR', 'context_es', 'topic', 'scale', 'key', 'office_pt-BR', 'district_pt-BR', 'abbreviation', 'minAnswers', 'questionnaireOpen', 'campaignPeriod', 'verified', 'elected', 'candidate', 'statement', 'reason', 'action', 'direction', 'date', 'country'];
    // Header values a browser or a proxy could send: printable ASCII only (anything else is refused before it leaves the client).
    const headerText = fc.string({ maxLength: 40, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_;=,.*/ :"\''.split('')) });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...forms.flatMap((f) => f.paths.map((path) => ({ ...f, path })))),
        fc.dictionary(fc.constantFrom(...keys), text, { maxKeys: 8 }),
        fc.record({ 'accept-language': headerText, referer: headerText, 'x-forwarded-for': headerText }, { requiredKeys: [] }),
        async (form, body, headers) => {
          tried.signedInForms = (tried.signedInForms ?? 0) + 1;
          const before = await state();
          const res = await form.agent.post(form.path).type('form').set(headers).send({ ...body, _csrf: form.token });
          noServerError(res.status, `${form.path} ${JSON.stringify(body)} ${JSON.stringify(headers)}`);
          // A refused form writes nothing.
          if (res.status >= 400) expect(await state(), `${form.path} ${JSON.stringify(body)}`).toBe(before);
        },
      ),
      { numRuns: 1000 },
    );
  }, 180_000);

  it('refuses a form carrying a field it does not have, or a NUL character, with 400, writing nothing', async () => {
    const { candidate, candidateToken, organizer, organizerToken } = await signedIn('davi', 'strict-organizer@example.org');
    const cases = [
      { agent: candidate, path: '/candidate/questionnaire', body: { _csrf: candidateToken, v_s1: '4', is_admin: '1' } },
      { agent: candidate, path: '/candidate/profile', body: { _csrf: candidateToken, bio: 'Olá', verified: '1' } },
      { agent: organizer, path: `/admin/e/${e}/topics`, body: { _csrf: organizerToken, slug: 'novo', 'name_pt-BR': 'Novo', position: '1' } },
      { agent: organizer, path: `/admin/e/${e}/candidates/ana/verify`, body: { _csrf: organizerToken, verified: '1', elected: '1' } },
      // PostgreSQL cannot store a NUL character in text: refused before any write, on either engine.
      { agent: candidate, path: '/candidate/profile', body: { _csrf: candidateToken, gender: '\u0000' } },
      { agent: organizer, path: `/admin/e/${e}/topics`, body: { _csrf: organizerToken, slug: 'nulo', 'name_pt-BR': 'a\u0000b' } },
    ];
    for (const { agent, path, body } of cases) {
      const before = await state();
      const res = await agent.post(path).type('form').send(body);
      expect(res.status, path).toBe(400);
      expect(await state(), path).toBe(before);
    }
  });

  it('refuses oversized bodies with 413 and malformed JSON with 400', async () => {
    const huge = await request(ctx.app).post('/api/v1/elections/vila-pequena-2028/match').set('Content-Type', 'application/json').send(`{"answers":{"s1":${'1'.repeat(70_000)}}}`);
    expect(huge.status).toBe(413);
    const form = await request(ctx.app).post('/candidate/login').type('form').send(`email=${'a'.repeat(300_000)}`);
    expect(form.status).toBe(413);
    const broken = await request(ctx.app).post('/api/v1/elections/vila-pequena-2028/match').set('Content-Type', 'application/json').send('{"answers": {');
    expect(broken.status).toBe(400);
  });
});
