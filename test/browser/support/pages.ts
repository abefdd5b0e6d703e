import { request, type APIRequestContext } from 'playwright-core';
import { expect } from 'vitest';
import type { Locale } from '../../../src/domain/locale.js';
import { createAdmin } from '../../../src/services/auth.js';
import { csrfOf, inviteLink, pathOf, PASSWORD } from '../../helpers/accounts.js';
import { loadFixture } from '../../helpers/packages.js';
import { DEMO, type Site } from './site.js';

/*
 * Every page type of the site, with the visitor who can see it. The suites for
 * accessibility, HTML validity and translations walk this one list.
 */

const demo = loadFixture('demo-election.json');
const statements = demo.statements.length;

/** Who looks at a page: nobody signed in, or one of the accounts `prepareVisitors` sets up. */
export type Visitor = 'anyone' | 'invited' | 'candidate' | 'newAdmin' | 'admin' | 'signingUp';

/** Demo candidates the page list relies on. */
export const CANDIDATES = {
  /** Answered, in the council race. */
  answered: demo.candidates.find((c) => c.race === 'serra-azul-vereador' && c.answers !== undefined)!.id,
  /** Answered nothing and has no account: `prepareVisitors` signs this one up and publishes. */
  signedUp: demo.candidates.filter((c) => c.answers === undefined)[0]!.id,
  /** Answered nothing: `prepareVisitors` leaves this one with an opened, unused invitation. */
  invited: demo.candidates.filter((c) => c.answers === undefined)[1]!.id,
};

/** A voter's answers to the whole demo questionnaire, and weights with the first statement doubled. */
export const VOTER = { a: '5412354123'.repeat(3).slice(0, statements), w: `2${'1'.repeat(statements - 1)}` };
const results = `race=serra-azul-vereador&a=${VOTER.a}&w=${VOTER.w}`;

export interface PageType {
  name: string;
  path: string;
  visitor: Visitor;
  status: number;
  /** Shown in the screenshots for review. */
  main?: boolean;
}

export const PAGE_TYPES: readonly PageType[] = [
  { name: 'home', path: '/', visitor: 'anyone', status: 200, main: true },
  { name: 'election', path: `/e/${DEMO}`, visitor: 'anyone', status: 200, main: true },
  { name: 'race', path: `/e/${DEMO}/races/serra-azul-vereador`, visitor: 'anyone', status: 200, main: true },
  { name: 'candidate', path: `/e/${DEMO}/candidates/${CANDIDATES.answered}`, visitor: 'anyone', status: 200, main: true },
  { name: 'candidate with history', path: `/e/${DEMO}/candidates/${CANDIDATES.signedUp}`, visitor: 'anyone', status: 200 },
  { name: 'candidate without answers', path: `/e/${DEMO}/candidates/${CANDIDATES.invited}`, visitor: 'anyone', status: 200 },
  { name: 'quiz', path: `/e/${DEMO}/quiz`, visitor: 'anyone', status: 200, main: true },
  { name: 'quiz with errors', path: `/e/${DEMO}/results?a=5-${'-'.repeat(statements - 2)}`, visitor: 'anyone', status: 400 },
  { name: 'results', path: `/e/${DEMO}/results?${results}`, visitor: 'anyone', status: 200, main: true },
  {
    name: 'compare',
    path: `/e/${DEMO}/compare?c=${CANDIDATES.answered},${CANDIDATES.signedUp}&${results}`,
    visitor: 'anyone',
    status: 200,
    main: true,
  },
  { name: 'statement', path: `/e/${DEMO}/statements/s01`, visitor: 'anyone', status: 200, main: true },
  { name: 'transparency', path: `/e/${DEMO}/transparency`, visitor: 'anyone', status: 200, main: true },
  { name: 'methodology', path: '/methodology', visitor: 'anyone', status: 200, main: true },
  { name: 'data', path: '/data', visitor: 'anyone', status: 200 },
  { name: 'not found', path: '/no-such-page', visitor: 'anyone', status: 404 },
  { name: 'candidate login', path: '/candidate/login', visitor: 'anyone', status: 200 },
  { name: 'password reset', path: '/candidate/reset', visitor: 'anyone', status: 200 },
  { name: 'unknown link', path: `/candidate/invitation/${'A'.repeat(43)}`, visitor: 'anyone', status: 404 },
  { name: 'welcome', path: '/candidate/welcome', visitor: 'invited', status: 200 },
  { name: 'candidate dashboard', path: '/candidate', visitor: 'candidate', status: 200, main: true },
  { name: 'candidate questionnaire', path: '/candidate/questionnaire', visitor: 'candidate', status: 200 },
  { name: 'candidate preview', path: '/candidate/preview', visitor: 'candidate', status: 200 },
  { name: 'candidate profile', path: '/candidate/profile', visitor: 'candidate', status: 200 },
  { name: 'admin login', path: '/admin/login', visitor: 'anyone', status: 200 },
  { name: 'password', path: '/admin/setup', visitor: 'newAdmin', status: 200 },
  { name: 'admin home', path: '/admin', visitor: 'admin', status: 200 },
  { name: 'admin candidates', path: `/admin/e/${DEMO}/candidates`, visitor: 'admin', status: 200 },
  { name: 'ballot card', path: `/e/${DEMO}/card?c=${CANDIDATES.answered}`, visitor: 'anyone', status: 200 },
  { name: 'elected', path: `/e/${DEMO}/elected`, visitor: 'anyone', status: 200 },
  { name: 'volunteer sign-up', path: '/volunteer/signup', visitor: 'anyone', status: 200 },
  { name: 'volunteer login', path: '/volunteer/login', visitor: 'anyone', status: 200 },
  { name: 'volunteer confirmation', path: '/volunteer/confirm', visitor: 'signingUp', status: 200 },
  { name: 'admin election', path: `/admin/e/${DEMO}`, visitor: 'admin', status: 200 },
  { name: 'admin questionnaire', path: `/admin/e/${DEMO}/questionnaire`, visitor: 'admin', status: 200 },
  { name: 'admin statement', path: `/admin/e/${DEMO}/statements/s01`, visitor: 'admin', status: 200 },
  { name: 'admin races', path: `/admin/e/${DEMO}/races`, visitor: 'admin', status: 200 },
  { name: 'admin moderation', path: `/admin/e/${DEMO}/moderation`, visitor: 'admin', status: 200 },
  { name: 'admin import', path: `/admin/e/${DEMO}/import`, visitor: 'admin', status: 200 },
  { name: 'admin volunteers', path: '/admin/volunteers', visitor: 'admin', status: 200 },
  { name: 'admin votes', path: `/admin/e/${DEMO}/votes`, visitor: 'admin', status: 200 },
  { name: 'embed quiz', path: `/embed/e/${DEMO}/quiz`, visitor: 'anyone', status: 200 },
  { name: 'embed results', path: `/embed/e/${DEMO}/results?${results}`, visitor: 'anyone', status: 200 },
  { name: 'embed statement', path: `/embed/e/${DEMO}/statements/s01`, visitor: 'anyone', status: 200 },
  { name: 'embed candidate', path: `/embed/e/${DEMO}/candidates/${CANDIDATES.answered}`, visitor: 'anyone', status: 200 },
  { name: 'embed matrix', path: `/embed/e/${DEMO}/races/serra-azul-vereador/matrix`, visitor: 'anyone', status: 200 },
  { name: 'embed elected', path: `/embed/e/${DEMO}/elected`, visitor: 'anyone', status: 200 },
];

/** A site path in a language, by `?lang=`. */
export function inLanguage(path: string, locale: Locale): string {
  return `${path}${path.includes('?') ? '&' : '?'}lang=${locale}`;
}

/** Cookies and origins of a signed-in visitor, as Playwright's `storageState` takes them. */
export type VisitorState = Awaited<ReturnType<APIRequestContext['storageState']>>;

/**
 * Sets up, over HTTP, the visitors the page list needs: a candidate who signed
 * up, published, changed an answer (so there is a public history) and keeps an
 * unpublished draft; a candidate who opened an invitation; an organizer who
 * opened a set-up link; an organizer who set a password; and a volunteer who
 * signed up and opened the link that confirms the sign-up.
 */
export async function prepareVisitors(site: Site): Promise<Record<Visitor, VisitorState>> {
  const client = () => request.newContext({ baseURL: site.base });
  const ok = async (response: Promise<{ status(): number; text(): Promise<string> }>) => {
    const res = await response;
    expect(res.status(), await res.text()).toBeLessThan(400);
    return { text: await res.text() };
  };
  const post = (api: APIRequestContext, path: string, form: Record<string, string>) => ok(api.post(path, { form }));

  const anyone = await client();
  const invited = await client();
  await ok(invited.get(await inviteLink(site, DEMO, CANDIDATES.invited)));

  const candidate = await client();
  const welcome = await ok(candidate.get(await inviteLink(site, DEMO, CANDIDATES.signedUp)));
  await post(candidate, '/candidate/welcome', { _csrf: csrfOf(welcome), email: 'candidata@example.org', password: PASSWORD, confirm: PASSWORD });
  const answer = async (values: (index: number) => string) => {
    const form = await ok(candidate.get('/candidate/questionnaire'));
    const fields: Record<string, string> = { _csrf: csrfOf(form), next: 'draft' };
    demo.statements.forEach((s, i) => {
      fields[`v_${s.id}`] = values(i);
      if (i % 3 === 0) fields[`j_${s.id}`] = `Justificativa da resposta ${s.id}.`;
    });
    await post(candidate, '/candidate/questionnaire', fields);
  };
  const publish = async () => post(candidate, '/candidate/publish', { _csrf: csrfOf(await ok(candidate.get('/candidate'))) });
  await answer((i) => (i === 5 ? 'none' : String((i % 5) + 1)));
  await publish();
  await answer((i) => (i === 5 ? 'none' : String(i === 0 ? 2 : (i % 5) + 1)));
  await publish();
  await answer((i) => (i === 5 ? '3' : String(i === 0 ? 2 : (i % 5) + 1)));

  const setUp = async (email: string) => {
    const created = await createAdmin(site, { email, path: '/admin/setup' });
    if (!created.ok) throw new Error(`organizer ${email} not created`);
    const api = await client();
    return { api, form: await ok(api.get(pathOf(created.link))) };
  };
  const newAdmin = (await setUp('nova@example.org')).api;
  const admin = await setUp('organizacao@example.org');
  await post(admin.api, '/admin/setup', { _csrf: csrfOf(admin.form), password: PASSWORD, confirm: PASSWORD });

  // A volunteer who signed up and opened the link e-mailed (after the answer) to confirm the address.
  const signingUp = await client();
  const signUp = await ok(signingUp.get('/volunteer/signup'));
  await post(signingUp, '/volunteer/signup', { _csrf: csrfOf(signUp), name: 'Joana Voluntária', email: 'voluntaria@example.org', password: PASSWORD, confirm: PASSWORD });
  await site.settled();
  const confirmation = await site.db.selectFrom('outbox').select('body_text').where('to_address', '=', 'voluntaria@example.org').executeTakeFirstOrThrow();
  await ok(signingUp.get(pathOf(/https?:\/\/\S+\/volunteer\/confirm\/\S+/.exec(confirmation.body_text)![0])));

  const visitors = { anyone, invited, candidate, newAdmin, admin: admin.api, signingUp };
  const states = {} as Record<Visitor, VisitorState>;
  for (const [name, api] of Object.entries(visitors) as Array<[Visitor, APIRequestContext]>) {
    states[name] = await api.storageState();
    await api.dispose();
  }
  return states;
}
