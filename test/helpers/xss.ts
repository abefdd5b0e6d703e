import * as cheerio from 'cheerio';
import type TestAgent from 'supertest/lib/agent.js';
import { expect, vi } from 'vitest';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/client.js';
import type { Clock } from '../../src/domain/clock.js';
import { LOCALES, type Locale } from '../../src/domain/locale.js';
import type { ElectionPackage } from '../../src/formats/election-package.js';
import { createAdmin } from '../../src/services/auth.js';
import { writePackage } from '../../src/services/election-packages.js';
import { CHANNELS, OUTCOMES } from '../../src/services/volunteers.js';
import { csrfOf, inviteLink, pathOf, PASSWORD } from './accounts.js';
import { loadFixture } from './packages.js';

/*
 * An election in which every text a candidate or an organizer can write is an
 * XSS payload, written both through the election package and through the web
 * forms, and the list of pages that show those texts. The HTTP suite
 * (test/http/xss.test.ts) reads the pages' markup; the browser suite
 * (test/browser/xss.test.ts) opens them in Chromium.
 *
 * Each payload names its field with a short tag (`x0a`): if any part of a
 * payload ever runs, it sets `window.__xss` to that tag (some parts also call
 * `alert`), and a payload shown as text proves the field was rendered there.
 */

/** The global a payload sets when it runs. */
export const XSS_GLOBAL = '__xss';

export interface Field {
  tag: string;
  /** Where the text was written, for failure messages. */
  where: string;
  value: string;
}
export type Localized = Record<Locale, Field>;
/** What a page shows: a field, or a localized field (the page's language is picked). */
export type Shown = Field | Localized;

type Size = 'long' | 'medium' | 'small' | 'tiny';

/**
 * The payload for a tag, as rich as the field's length limit allows. Every
 * variant tries to leave a text node and a quoted attribute (both quotes);
 * the longer ones also close textarea, title, style and script elements, try
 * an inline script, event handlers, a srcdoc frame, a javascript: link and
 * template syntax.
 */
function payload(tag: string, size: Size): string {
  switch (size) {
    case 'long':
      return (
        `${tag} "'></textarea></title></style></script><script>window.${XSS_GLOBAL}='${tag}'</script>` +
        `<img src=x onerror="window.${XSS_GLOBAL}='${tag}';alert('${tag}')"><svg onload="window.${XSS_GLOBAL}='${tag}'"></svg>` +
        `<iframe srcdoc="<script>parent.${XSS_GLOBAL}='${tag}'</script>"></iframe>` +
        `<a href="javascript:window.${XSS_GLOBAL}='${tag}'">${tag}</a> {{7*7}} {{{${tag}}}}`
      );
    case 'medium': // at most 120 characters
      return `${tag}"'></textarea></title><script>window.${XSS_GLOBAL}='${tag}'</script><img src=x onerror="${XSS_GLOBAL}='${tag}'">{{7*7}}`;
    case 'small': // at most 40
      return `${tag}"'><img src=x onerror=${XSS_GLOBAL}='${tag}'>`;
    case 'tiny': // at most 30
      return `${tag}"><svg onload=${XSS_GLOBAL}='${tag}'>`;
  }
}

const LIMITS: Record<Size, number> = { long: 500, medium: 120, small: 40, tiny: 30 };

class Payloads {
  readonly all: Field[] = [];

  text(where: string, size: Size): Field {
    const tag = `x${this.all.length.toString(36).padStart(2, '0')}`;
    const value = payload(tag, size);
    if (value.length > LIMITS[size]) throw new Error(`payload for ${where} is ${value.length} characters, over ${LIMITS[size]}`);
    const field = { tag, where, value };
    this.all.push(field);
    return field;
  }

  localized(where: string, size: Size): Localized {
    return Object.fromEntries(LOCALES.map((locale) => [locale, this.text(`${where} (${locale})`, size)])) as Localized;
  }

  /** An https address (the only kind the forms and the package take) whose path tries to leave the href. */
  url(where: string): Field {
    const tag = `x${this.all.length.toString(36).padStart(2, '0')}`;
    const field = { tag, where, value: `https://example.org/${tag}"'><script>window.${XSS_GLOBAL}='${tag}'</script><img src=x onerror=${XSS_GLOBAL}='${tag}'>` };
    this.all.push(field);
    return field;
  }
}

export const XSS_ELECTION = 'xss-2028';
/** The election an organizer creates through the form. */
export const FORM_ELECTION = 'xss-forms-2028';

export const ACCOUNTS = {
  admin: 'organizer@example.org',
  candidate: 'carla@example.org',
  volunteer: 'volunteer@example.org',
} as const;

/** Every payload and where it goes. The same function gives both suites the same tags. */
export function xssScenario() {
  const p = new Payloads();
  const L = (where: string, size: Size) => p.localized(where, size);
  const T = (where: string, size: Size) => p.text(where, size);
  const statementTexts = (id: string) => ({ text: L(`package: statement ${id} text`, 'long'), context: L(`package: statement ${id} context`, 'long') });
  const race = (slug: string) => ({ office: L(`package: race ${slug} office`, 'medium'), district: L(`package: race ${slug} district`, 'medium') });
  const party = (slug: string) => ({ abbreviation: T(`package: party ${slug} abbreviation`, 'tiny'), name: T(`package: party ${slug} name`, 'medium') });

  const pkg = {
    electionName: L('package: election name', 'medium'),
    topics: { ambiente: L('package: topic ambiente name', 'medium'), contas: L('package: topic contas name', 'medium') },
    statements: { s1: statementTexts('s1'), s2: statementTexts('s2'), s3: statementTexts('s3'), s4: statementTexts('s4') },
    races: { prefeito: race('prefeito'), vereador: race('vereador') },
    parties: { pa: party('pa'), pc: party('pc') },
    ana: {
      name: T('package: ana name', 'medium'),
      ballotName: T('package: ana ballot name', 'medium'),
      gender: T('package: ana gender', 'small'),
      raceColor: T('package: ana race/colour', 'small'),
      bio: T('package: ana bio', 'long'),
      links: [p.url('package: ana link 1'), p.url('package: ana link 2')],
      photoUrl: p.url('package: ana photo URL'),
      justifications: { s1: T('package: ana s1 justification', 'long'), s2: T('package: ana s2 justification', 'long'), s3: T('package: ana s3 justification', 'long') },
    },
    bruno: {
      officialId: T('package: bruno official id', 'small'),
      name: T('package: bruno name (no ballot name)', 'medium'),
      gender: T('package: bruno gender', 'small'),
      bio: T('package: bruno bio', 'long'),
      // s2's is hidden by an organizer: only the organizers' moderation page shows it.
      justifications: { s1: T('package: bruno s1 justification', 'long'), s2: T('package: bruno s2 justification (hidden)', 'long') },
    },
    carla: { name: T('package: carla name', 'medium'), ballotName: T('package: carla ballot name', 'medium') },
    davi: {
      officialId: T('package: davi official id', 'small'),
      name: T('package: davi name', 'medium'),
      ballotName: T('package: davi ballot name', 'medium'),
      justifications: { s3: T('package: davi s3 justification', 'long'), s4: T('package: davi s4 justification', 'long') },
    },
    eva: { name: T('package: eva name', 'medium'), ballotName: T('package: eva ballot name', 'medium'), links: [p.url('package: eva link')] },
    fabio: { name: T('package: fabio name', 'medium'), ballotName: T('package: fabio ballot name', 'medium') },
  };

  const forms = {
    electionName: L('admin form: new election name', 'medium'),
    topicName: L('admin form: topic forum name', 'medium'),
    statement: { text: L('admin form: statement s5 text', 'long'), context: L('admin form: statement s5 context', 'long') },
    race: { office: L('admin form: race conselho office', 'medium'), district: L('admin form: race conselho district', 'medium') },
    party: { abbreviation: T('admin form: party pf abbreviation', 'tiny'), name: T('admin form: party pf name', 'medium') },
    moderationReason: T('admin form: reason for hiding bruno s2', 'long'),
    rollCalls: {
      pl1: { chamber: T('votes.csv: pl-1 chamber', 'medium'), bill: T('votes.csv: pl-1 bill', 'medium'), title: T('votes.csv: pl-1 title', 'long') },
      pl2: { chamber: T('votes.csv: pl-2 chamber', 'medium'), bill: T('votes.csv: pl-2 bill', 'medium'), title: T('votes.csv: pl-2 title', 'long') },
      unmatchedOfficialId: T('votes.csv: unmatched official id', 'small'),
    },
    explanations: { s1: T('links.csv: s1/pl-1 explanation', 'long'), s3: T('admin form: s3/pl-2 explanation', 'long') },
    candidate: {
      bio: T('candidate form: carla bio', 'long'),
      links: [p.url('candidate form: carla link 1'), p.url('candidate form: carla link 2')],
      photoUrl: p.url('candidate form: carla photo URL'),
      gender: T('candidate form: carla gender', 'small'),
      /** First publication. */
      published: {
        s1: T('candidate form: carla s1 justification, first published (later changed)', 'long'),
        s2: T('candidate form: carla s2 justification', 'long'),
        s3: T('candidate form: carla s3 justification', 'long'),
        s4: T('candidate form: carla s4 justification', 'long'),
        s5: T('candidate form: carla s5 justification', 'long'),
      },
      /** Second publication: a public change in the history. */
      changedS1: T('candidate form: carla s1 justification, changed after publication', 'long'),
      /** Saved as a draft, never published. */
      draftS2: T('candidate form: carla s2 draft justification', 'long'),
      /** Refused (not an http address): shown back in the error message only. */
      refusedLink: T('candidate form: refused javascript: link', 'small'),
    },
    volunteer: { name: T('volunteer form: sign-up name', 'medium'), note: T('volunteer form: contact note', 'long') },
    adminSearch: T('admin candidates search (query string)', 'medium'),
    packageUnknownKey: T('uploaded package: unknown key', 'small'),
    tseOfficialId: T('uploaded roster: bad SQ_CANDIDATO', 'small'),
  };

  return { fields: p.all, pkg, forms, electionPackage: () => electionPackage(pkg) };
}

export type XssScenario = ReturnType<typeof xssScenario>;
type PackageTexts = XssScenario['pkg'];

const text = (l: Localized) => ({ 'pt-BR': l['pt-BR'].value, es: l.es.value, en: l.en.value });

/** The small fixture with every free text replaced by a payload (SPEC §6.1 lists the fields). */
function electionPackage(t: PackageTexts): ElectionPackage {
  const pkg = loadFixture('small-election.json');
  pkg.election.slug = XSS_ELECTION;
  pkg.election.name = text(t.electionName);
  pkg.topics[0]!.name = text(t.topics.ambiente);
  pkg.topics[1]!.name = text(t.topics.contas);
  for (const statement of pkg.statements) {
    const texts = t.statements[statement.id as keyof typeof t.statements];
    statement.text = text(texts.text);
    statement.context = text(texts.context);
  }
  pkg.races[0]!.office = text(t.races.prefeito.office);
  pkg.races[0]!.district = text(t.races.prefeito.district);
  pkg.races[1]!.office = text(t.races.vereador.office);
  pkg.races[1]!.district = text(t.races.vereador.district);
  pkg.parties[0]!.abbreviation = t.parties.pa.abbreviation.value;
  pkg.parties[0]!.name = t.parties.pa.name.value;
  pkg.parties[1]!.abbreviation = t.parties.pc.abbreviation.value;
  pkg.parties[1]!.name = t.parties.pc.name.value;
  const [ana, bruno, carla, davi] = pkg.candidates;
  Object.assign(ana!, {
    name: t.ana.name.value,
    ballotName: t.ana.ballotName.value,
    elected: true,
    profile: {
      gender: t.ana.gender.value,
      raceColor: t.ana.raceColor.value,
      bio: t.ana.bio.value,
      links: t.ana.links.map((l) => l.value),
      photoUrl: t.ana.photoUrl.value,
    },
    answers: {
      s1: { value: 5, justification: t.ana.justifications.s1.value },
      s2: { value: 4, justification: t.ana.justifications.s2.value },
      s3: { value: 3, justification: t.ana.justifications.s3.value },
      s4: { value: null },
    },
  });
  Object.assign(bruno!, {
    officialId: t.bruno.officialId.value,
    name: t.bruno.name.value,
    profile: { gender: t.bruno.gender.value, bio: t.bruno.bio.value },
    answers: { s1: { value: 1, justification: t.bruno.justifications.s1.value }, s2: { value: 2, justification: t.bruno.justifications.s2.value } },
  });
  // Carla answers through the candidate forms, as a candidate would.
  Object.assign(carla!, { name: t.carla.name.value, ballotName: t.carla.ballotName.value, elected: true });
  Object.assign(davi!, {
    officialId: t.davi.officialId.value,
    name: t.davi.name.value,
    ballotName: t.davi.ballotName.value,
    answers: { s3: { value: 1, justification: t.davi.justifications.s3.value }, s4: { value: 5, justification: t.davi.justifications.s4.value } },
  });
  pkg.candidates.push(
    {
      id: 'eva',
      name: t.eva.name.value,
      ballotName: t.eva.ballotName.value,
      ballotNumber: '71003',
      party: 'pc',
      race: 'vereador',
      elected: false,
      profile: { links: t.eva.links.map((l) => l.value) },
    },
    { id: 'fabio', name: t.fabio.name.value, ballotName: t.fabio.ballotName.value, ballotNumber: '73', race: 'prefeito', elected: false },
  );
  return pkg;
}

/** A CSV field, quoted. */
const csv = (value: string) => `"${value.replace(/"/g, '""')}"`;

export interface PreparedSite {
  /** Signed-in agents (supertest) of the organizer, the candidate (carla) and the volunteer. */
  agents: { admin: TestAgent; candidate: TestAgent; volunteer: TestAgent };
  /** The roster import's progress page. */
  jobPath: string;
  /** Pages answered to a form post, as the server sent them. */
  posted: {
    welcome: string;
    packageErrors: string;
    votesImport: string;
    invitations: string;
    volunteerInvite: string;
    refusedProfile: string;
    refusedElection: string;
    refusedSignUp: string;
  };
}

/**
 * Writes the scenario: the package straight into the database, then everything
 * else through the site's own forms, over HTTP (supertest agents of the app or
 * of a listening server's address), as organizer, candidate and volunteer.
 */
export async function prepareXssSite(
  target: { deps: { db: Db; clock: Clock; config: Config; settled: () => Promise<void> }; agent: () => TestAgent },
  s: XssScenario,
): Promise<PreparedSite> {
  const { deps } = target;
  const ok = (status: number) => expect(status).toBeLessThan(400);
  expect((await writePackage(deps, { pkg: s.electionPackage(), actor: 'test' })).ok).toBe(true);
  const e = `/admin/e/${XSS_ELECTION}`;
  const localized = (prefix: string, l: Localized) => Object.fromEntries(LOCALES.map((locale) => [`${prefix}_${locale}`, l[locale].value]));

  // The organizer.
  const admin = target.agent();
  const created = await createAdmin(deps, { email: ACCOUNTS.admin, path: '/admin/setup' });
  if (!created.ok) throw new Error('organizer not created');
  expect((await admin.get(pathOf(created.link))).status).toBe(303);
  const setUp = await admin.get('/admin/setup');
  expect((await admin.post('/admin/setup').type('form').send({ _csrf: csrfOf(setUp), password: PASSWORD, confirm: PASSWORD })).status).toBe(303);
  const adminPost = async (path: string, fields: Record<string, string>) => {
    // The token first: a request takes the agent's cookies when it is made.
    const token = csrfOf(await admin.get('/admin'));
    const res = await admin.post(path).type('form').send({ _csrf: token, ...fields });
    expect(res.status, `${path}: ${res.text.match(/<main[\s\S]*<\/main>/)?.[0]}`).toBe(303);
  };
  const f = s.forms;
  // A refused form is shown again with what was typed.
  const electionToken = csrfOf(await admin.get('/admin'));
  const refusedElection = await admin
    .post('/admin/elections')
    .type('form')
    .send({ _csrf: electionToken, slug: FORM_ELECTION, ...localized('name', f.electionName), date: 'tomorrow', country: 'BR', scale: '5', minAnswers: '5' });
  expect(refusedElection.status).toBe(400);
  await adminPost('/admin/elections', { slug: FORM_ELECTION, ...localized('name', f.electionName), date: '2028-10-01', country: 'BR', scale: '5', minAnswers: '5' });
  await adminPost(`${e}/topics`, { slug: 'forum', ...localized('name', f.topicName) });
  await adminPost(`${e}/statements`, { key: 's5', topic: 'forum', ...localized('text', f.statement.text), ...localized('context', f.statement.context), scale: '' });
  await adminPost(`${e}/races`, { slug: 'conselho', ...localized('office', f.race.office), ...localized('district', f.race.district) });
  await adminPost(`${e}/parties`, { slug: 'pf', abbreviation: f.party.abbreviation.value, name: f.party.name.value, number: '' });

  // Roll calls: two votes of ana (…101) and carla (…103), and one member nobody knows.
  const { pl1, pl2 } = f.rollCalls;
  const votes = [
    'vote_id,date,chamber,bill,title,official_id,vote',
    ...[
      ['pl-1', pl1, '990000000101', 'yes'],
      ['pl-1', pl1, '990000000103', 'no'],
      ['pl-1', pl1, f.rollCalls.unmatchedOfficialId.value, 'yes'],
      ['pl-2', pl2, '990000000101', 'no'],
      ['pl-2', pl2, '990000000103', 'yes'],
    ].map(([id, call, member, vote]) => {
      const c = call as typeof pl1;
      return [id, '2029-03-10', csv(c.chamber.value), csv(c.bill.value), csv(c.title.value), csv(member as string), vote].join(',');
    }),
  ].join('\n');
  const links = `statement_id,vote_id,direction,explanation\ns1,pl-1,1,${csv(f.explanations.s1.value)}\n`;
  const votesPage = cheerio.load((await admin.get(`${e}/votes`)).text);
  const imported = await admin
    .post(votesPage('form[enctype="multipart/form-data"]').attr('action')!)
    .attach('votes', Buffer.from(votes), 'votes.csv')
    .attach('links', Buffer.from(links), 'links.csv');
  expect(imported.status, imported.text.slice(0, 500)).toBe(200);
  await adminPost(`${e}/votes/links`, { statement: 's3', vote: 'pl-2', direction: '-1', explanation: f.explanations.s3.value });

  await adminPost(`${e}/moderation`, { candidate: 'bruno', statement: 's2', action: 'hide', reason: f.moderationReason.value });

  // Uploads that fail: a package with an unknown key, a roster with a bad candidate id.
  const importPage = cheerio.load((await admin.get(`${e}/import`)).text);
  const badPackage = JSON.stringify({ ...s.electionPackage(), [f.packageUnknownKey.value]: true });
  const packageErrors = await admin.post(importPage('form').has('#package-file').attr('action')!).attach('file', Buffer.from(badPackage), 'election.json');
  expect(packageErrors.status).toBe(400);
  const roster = [
    'SQ_CANDIDATO;NM_CANDIDATO;NM_URNA_CANDIDATO;NR_CANDIDATO;SG_UF;SG_UE;NM_UE;CD_CARGO;DS_CARGO;SG_PARTIDO;NR_PARTIDO;NM_PARTIDO;DS_SIT_TOT_TURNO',
    `"${f.tseOfficialId.value.replace(/"/g, '""')}";FULANO;FULANO;11001;AC;01554;MANOEL URBANO;13;VEREADOR;PP;11;PROGRESSISTAS;ELEITO`,
  ].join('\r\n');
  const tse = await admin.post(importPage('form').has('#tse-file').attr('action')!).attach('file', Buffer.from(`${roster}\r\n`, 'latin1'), 'consulta_cand_2028_AC.csv');
  expect(tse.status).toBe(303);
  const jobPath = String(tse.headers.location);
  const jobId = jobPath.split('/').pop()!;
  // The import goes on after the answer: wait until it has finished.
  await vi.waitFor(
    async () => {
      const job = await deps.db.selectFrom('import_jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow();
      if (job.status === 'running') throw new Error('the roster import is still running');
    },
    { timeout: 10_000, interval: 20 },
  );

  const inviteToken = csrfOf(await admin.get('/admin'));
  const invitations = await admin.post(`${e}/candidates/fabio/invite`).type('form').send({ _csrf: inviteToken });
  expect(invitations.status).toBe(200);

  // The candidate: carla accepts an invitation, writes her profile, answers, publishes twice, keeps a draft.
  const candidate = target.agent();
  expect((await candidate.get(await inviteLink(deps, XSS_ELECTION, 'carla'))).status).toBe(303);
  const welcome = await candidate.get('/candidate/welcome');
  ok((await candidate.post('/candidate/welcome').type('form').send({ _csrf: csrfOf(welcome), email: ACCOUNTS.candidate, password: PASSWORD, confirm: PASSWORD })).status);
  const candidatePost = async (path: string, fields: Record<string, string>, status = 303) => {
    const token = csrfOf(await candidate.get('/candidate'));
    const res = await candidate.post(path).type('form').send({ _csrf: token, ...fields });
    expect(res.status, `${path}: ${res.text.match(/<main[\s\S]*<\/main>/)?.[0]}`).toBe(status);
    return res;
  };
  const c = f.candidate;
  const profile = { bio: c.bio.value, links: c.links.map((l) => l.value).join('\n'), photoUrl: c.photoUrl.value, gender: c.gender.value, raceColor: '', lgbt: 'yes', collective: '' };
  // An address that is not http(s) is refused, and the form says which one.
  const refusedProfile = await candidatePost('/candidate/profile', { ...profile, links: `javascript:${c.refusedLink.value}` }, 400);
  await candidatePost('/candidate/profile', profile);
  const answers = (justifications: Record<'s1' | 's2' | 's3' | 's4' | 's5', string>, s1Value: string) => ({
    next: 'draft',
    v_s1: s1Value,
    v_s2: '2',
    v_s3: '3',
    v_s4: '5',
    v_s5: '1',
    ...Object.fromEntries(Object.entries(justifications).map(([id, j]) => [`j_${id}`, j])),
  });
  const first = Object.fromEntries(Object.entries(c.published).map(([id, field]) => [id, field.value])) as Record<'s1' | 's2' | 's3' | 's4' | 's5', string>;
  await candidatePost('/candidate/questionnaire', answers(first, '1'));
  await candidatePost('/candidate/publish', {});
  await candidatePost('/candidate/questionnaire', answers({ ...first, s1: c.changedS1.value }, '4'));
  await candidatePost('/candidate/publish', {});
  await candidatePost('/candidate/questionnaire', answers({ ...first, s1: c.changedS1.value, s2: c.draftS2.value }, '4'));

  // The volunteer: signs up, is approved, takes eva, records a contact and gets her an invitation.
  const volunteer = target.agent();
  const signUp = await volunteer.get('/volunteer/signup');
  const refusedSignUp = await volunteer
    .post('/volunteer/signup')
    .type('form')
    .send({ _csrf: csrfOf(signUp), name: f.volunteer.name.value, email: ACCOUNTS.volunteer, password: PASSWORD, confirm: `${PASSWORD}!` });
  expect(refusedSignUp.status).toBe(400);
  ok(
    (
      await volunteer
        .post('/volunteer/signup')
        .type('form')
        .send({ _csrf: csrfOf(signUp), name: f.volunteer.name.value, email: ACCOUNTS.volunteer, password: PASSWORD, confirm: PASSWORD })
    ).status,
  );
  // Confirmed by the link e-mailed after the answer, with the password chosen at sign-up.
  await deps.settled();
  const confirmation = await deps.db.selectFrom('outbox').select('body_text').where('to_address', '=', ACCOUNTS.volunteer).executeTakeFirstOrThrow();
  ok((await volunteer.get(new URL(/https?:\/\/\S+\/volunteer\/confirm\/\S+/.exec(confirmation.body_text)![0]).pathname)).status);
  ok((await volunteer.post('/volunteer/confirm').type('form').send({ _csrf: csrfOf(await volunteer.get('/volunteer/confirm')), password: PASSWORD })).status);
  const volunteerId = (await deps.db.selectFrom('users').select('id').where('email', '=', ACCOUNTS.volunteer).executeTakeFirstOrThrow()).id;
  await adminPost(`/admin/volunteers/${volunteerId}/approve`, {});
  const volunteerPost = async (path: string, fields: Record<string, string>, status = 303) => {
    const token = csrfOf(await volunteer.get('/volunteer'));
    const res = await volunteer.post(path).type('form').send({ _csrf: token, ...fields });
    expect(res.status, `${path}: ${res.text.match(/<main[\s\S]*<\/main>/)?.[0]}`).toBe(status);
    return res;
  };
  const v = `/volunteer/e/${XSS_ELECTION}`;
  await volunteerPost(`${v}/take`, { candidate: 'eva' });
  await volunteerPost(`${v}/contacts`, { candidate: 'eva', channel: CHANNELS[1], outcome: OUTCOMES[2], note: f.volunteer.note.value });
  const volunteerInvite = await volunteerPost(`${v}/invite`, { candidate: 'eva' }, 200);

  return {
    agents: { admin, candidate, volunteer },
    jobPath,
    posted: {
      welcome: welcome.text,
      packageErrors: packageErrors.text,
      votesImport: imported.text,
      invitations: invitations.text,
      volunteerInvite: volunteerInvite.text,
      refusedProfile: refusedProfile.text,
      refusedElection: refusedElection.text,
      refusedSignUp: refusedSignUp.text,
    },
  };
}

/** Who opens a page. */
export type XssVisitor = 'anyone' | 'admin' | 'candidate' | 'volunteer';

export interface XssPage {
  name: string;
  path: string;
  visitor: XssVisitor;
  /** The payloads a reader of the page in that language must see as text. */
  shows: (locale: Locale) => Shown[];
}

/** A voter's answers to the five statements (s5 was added by the organizer form). */
export const ANSWERS = '42315';

/**
 * Every page that shows a text a candidate or organizer wrote, from the
 * routers (src/web/routes): public.ts, voter.ts, embed.ts, data.ts (/data and
 * /oembed), admin-elections.ts, admin-votes.ts, candidate.ts, volunteer.ts.
 * Pages answered to a form post, and the roster import's progress page (its
 * address is made by the import), are in `PreparedSite`. Left out, as
 * they show no written text: /methodology, the log-in, password and reset
 * pages, the organizer's set-up page, /healthz, the API and the downloads
 * (JSON and CSV, not HTML).
 */
export function xssPages(s: XssScenario): XssPage[] {
  const { pkg: k, forms: f } = s;
  const raceName = (r: { office: Localized; district: Localized }) => [r.office, r.district];
  const races = [...raceName(k.races.prefeito), ...raceName(k.races.vereador), ...raceName(f.race)];
  const topics = [k.topics.ambiente, k.topics.contas, f.topicName];
  const statementTexts = [k.statements.s1.text, k.statements.s2.text, k.statements.s3.text, k.statements.s4.text, f.statement.text];
  const contexts = [k.statements.s1.context, k.statements.s2.context, k.statements.s3.context, k.statements.s4.context, f.statement.context];
  const partyNames = [k.parties.pa.abbreviation, k.parties.pa.name, k.parties.pc.abbreviation, k.parties.pc.name, f.party.abbreviation, f.party.name];
  const genders = [k.ana.gender, k.bruno.gender, f.candidate.gender];
  const carlaPublished = [f.candidate.changedS1, f.candidate.published.s2, f.candidate.published.s3, f.candidate.published.s4, f.candidate.published.s5];
  const carlaDraft = [f.candidate.changedS1, f.candidate.draftS2, f.candidate.published.s3, f.candidate.published.s4, f.candidate.published.s5];
  const ballotNames = [k.ana.ballotName, k.bruno.name, k.carla.ballotName, k.davi.ballotName, k.eva.ballotName, k.fabio.ballotName];
  const rollCalls = [f.rollCalls.pl1.chamber, f.rollCalls.pl1.bill, f.rollCalls.pl1.title, f.rollCalls.pl2.chamber, f.rollCalls.pl2.bill, f.rollCalls.pl2.title];
  const coherence = [k.statements.s1.text, k.statements.s3.text, ...rollCalls, f.explanations.s1, f.explanations.s3];
  /** Fields an organizer's form shows in all three languages at once. */
  const everyLanguage = (...fields: Localized[]) => fields.flatMap((l) => LOCALES.map((locale) => l[locale]));
  const x = `/e/${XSS_ELECTION}`;
  const a = `/admin/e/${XSS_ELECTION}`;
  const page = (name: string, path: string, shows: Shown[], visitor: XssVisitor = 'anyone'): XssPage => ({ name, path, visitor, shows: () => shows });

  return [
    // public.ts
    page('home', '/', [k.electionName, f.electionName]),
    page('election', x, [k.electionName, ...races, ...topics, ...statementTexts]),
    page('election made with the form', `/e/${FORM_ELECTION}`, [f.electionName]),
    page('race: mayor', `${x}/races/prefeito`, [
      k.electionName,
      ...raceName(k.races.prefeito),
      k.ana.ballotName,
      k.bruno.name,
      k.fabio.ballotName,
      ...partyNames,
      ...genders,
      k.ana.raceColor,
      ...topics,
    ]),
    page('race: council', `${x}/races/vereador`, [
      ...raceName(k.races.vereador),
      k.carla.ballotName,
      k.davi.ballotName,
      k.eva.ballotName,
      k.parties.pa.abbreviation,
      k.parties.pc.abbreviation,
      ...topics,
    ]),
    page('race made with the form', `${x}/races/conselho`, raceName(f.race)),
    page('candidate: ana', `${x}/candidates/ana`, [
      k.electionName,
      ...raceName(k.races.prefeito),
      k.ana.name,
      k.ana.ballotName,
      k.parties.pa.abbreviation,
      k.parties.pa.name,
      k.ana.gender,
      k.ana.raceColor,
      k.ana.bio,
      ...k.ana.links,
      ...topics,
      ...statementTexts,
      ...Object.values(k.ana.justifications),
      ...coherence,
    ]),
    page('candidate: bruno (a justification hidden)', `${x}/candidates/bruno`, [
      k.bruno.officialId,
      k.bruno.name,
      k.bruno.gender,
      k.bruno.bio,
      k.bruno.justifications.s1,
      f.moderationReason,
    ]),
    page('candidate: carla (answered through the forms)', `${x}/candidates/carla`, [
      k.carla.name,
      k.carla.ballotName,
      f.candidate.bio,
      ...f.candidate.links,
      f.candidate.gender,
      ...carlaPublished,
      ...coherence,
    ]),
    page('candidate: davi', `${x}/candidates/davi`, [
      k.davi.officialId,
      k.davi.name,
      k.davi.ballotName,
      k.parties.pc.abbreviation,
      k.parties.pc.name,
      ...Object.values(k.davi.justifications),
    ]),
    page('candidate: eva (no answers)', `${x}/candidates/eva`, [k.eva.name, k.eva.ballotName, ...k.eva.links, k.parties.pc.abbreviation]),
    page('statement s1', `${x}/statements/s1`, [
      k.electionName,
      k.statements.s1.text,
      k.statements.s1.context,
      k.topics.ambiente,
      ...races,
      ...partyNames,
      ...genders,
      ...ballotNames,
      k.ana.justifications.s1,
      k.bruno.justifications.s1,
      f.candidate.changedS1,
    ]),
    page('statement s2 (a justification hidden)', `${x}/statements/s2`, [
      k.statements.s2.text,
      k.statements.s2.context,
      k.ana.justifications.s2,
      f.candidate.published.s2,
      f.moderationReason,
    ]),
    page('statement s3', `${x}/statements/s3`, [k.statements.s3.text, k.topics.contas, k.ana.justifications.s3, k.davi.justifications.s3, f.candidate.published.s3]),
    page('statement s4', `${x}/statements/s4`, [k.statements.s4.text, k.davi.justifications.s4, f.candidate.published.s4]),
    page('statement made with the form', `${x}/statements/s5`, [f.statement.text, f.statement.context, f.topicName, f.candidate.published.s5]),
    page('transparency', `${x}/transparency`, [
      k.electionName,
      ...raceName(k.races.prefeito),
      ...raceName(k.races.vereador),
      k.parties.pa.abbreviation,
      k.parties.pc.abbreviation,
      ...genders,
      k.ana.raceColor,
      k.eva.ballotName,
      k.fabio.ballotName,
      k.carla.ballotName,
      f.candidate.changedS1,
      k.bruno.name,
      f.moderationReason,
    ]),
    page('elected', `${x}/elected`, [k.electionName, k.ana.ballotName, k.carla.ballotName, k.parties.pa.abbreviation, k.parties.pa.name, ...coherence]),
    // voter.ts
    page('quiz', `${x}/quiz`, [...statementTexts, ...contexts, ...topics, ...races]),
    page('results: mayor', `${x}/results?race=prefeito&a=${ANSWERS}`, [
      k.electionName,
      ...raceName(k.races.prefeito),
      k.ana.ballotName,
      k.bruno.name,
      k.fabio.ballotName,
      k.parties.pa.abbreviation,
      k.parties.pa.name,
      ...topics,
      // The filters offer the values of the race's own candidates.
      k.ana.gender,
      k.bruno.gender,
      k.ana.raceColor,
    ]),
    page('results: council', `${x}/results?race=vereador&a=${ANSWERS}`, [
      ...raceName(k.races.vereador),
      k.carla.ballotName,
      k.davi.ballotName,
      k.eva.ballotName,
      k.parties.pc.abbreviation,
      k.parties.pc.name,
    ]),
    page('compare, with the voter’s answers', `${x}/compare?c=ana,bruno,carla,davi&race=prefeito&a=${ANSWERS}`, [
      k.electionName,
      ...statementTexts,
      ...topics,
      k.ana.ballotName,
      k.bruno.name,
      k.carla.ballotName,
      k.davi.ballotName,
      k.parties.pa.abbreviation,
      k.parties.pa.name,
      k.parties.pc.abbreviation,
      ...Object.values(k.ana.justifications),
      k.bruno.justifications.s1,
      ...carlaPublished,
      ...Object.values(k.davi.justifications),
      f.moderationReason,
    ]),
    page('ballot card', `${x}/card?c=ana,carla`, [k.electionName, ...raceName(k.races.prefeito), ...raceName(k.races.vereador), k.ana.ballotName, k.carla.ballotName, k.parties.pa.abbreviation]),
    // embed.ts and the embedded journey of voter.ts
    page('embed: quiz', `/embed${x}/quiz`, [...statementTexts, ...contexts, ...topics, ...races]),
    page('embed: results', `/embed${x}/results?race=prefeito&a=${ANSWERS}`, [...raceName(k.races.prefeito), k.ana.ballotName, k.bruno.name, k.parties.pa.abbreviation, ...topics]),
    page('embed: statement', `/embed${x}/statements/s1`, [
      k.statements.s1.text,
      k.topics.ambiente,
      k.ana.ballotName,
      k.bruno.name,
      k.carla.ballotName,
      k.parties.pa.abbreviation,
      k.parties.pa.name,
      k.ana.justifications.s1,
      k.bruno.justifications.s1,
      f.candidate.changedS1,
    ]),
    page('embed: candidate ana', `/embed${x}/candidates/ana`, [k.ana.ballotName, k.parties.pa.abbreviation, k.parties.pa.name, ...raceName(k.races.prefeito), k.ana.bio]),
    page('embed: candidate carla', `/embed${x}/candidates/carla`, [k.carla.ballotName, f.candidate.bio]),
    page('embed: topic matrix', `/embed${x}/races/prefeito/matrix`, [...raceName(k.races.prefeito), ...topics, k.ana.ballotName, k.bruno.name, k.parties.pa.abbreviation]),
    page('embed: elected', `/embed${x}/elected`, [k.electionName, k.ana.ballotName, k.carla.ballotName, k.parties.pa.abbreviation, k.parties.pa.name]),
    // data.ts
    page('open data', '/data', [k.electionName, f.electionName]),
    // admin-elections.ts
    page('admin: elections', '/admin', [k.electionName, f.electionName], 'admin'),
    { name: 'admin: election settings', path: a, visitor: 'admin', shows: () => everyLanguage(k.electionName) },
    {
      name: 'admin: questionnaire',
      path: `${a}/questionnaire`,
      visitor: 'admin',
      shows: () => [k.electionName, ...everyLanguage(...topics), ...statementTexts],
    },
    {
      name: 'admin: statement s1',
      path: `${a}/statements/s1`,
      visitor: 'admin',
      shows: () => [...everyLanguage(k.statements.s1.text, k.statements.s1.context), ...topics],
    },
    {
      name: 'admin: statement made with the form',
      path: `${a}/statements/s5`,
      visitor: 'admin',
      shows: () => everyLanguage(f.statement.text, f.statement.context),
    },
    { name: 'admin: races and parties', path: `${a}/races`, visitor: 'admin', shows: () => [...everyLanguage(...races), ...partyNames] },
    page('admin: candidates', `${a}/candidates`, [k.electionName, ...ballotNames, k.ana.name, k.carla.name, k.davi.name, k.eva.name, k.fabio.name, ...races], 'admin'),
    page('admin: candidates, searched', `${a}/candidates?q=${encodeURIComponent(f.adminSearch.value)}`, [f.adminSearch], 'admin'),
    page('admin: moderation', `${a}/moderation`, [
      k.electionName,
      k.ana.ballotName,
      k.bruno.name,
      k.carla.ballotName,
      k.davi.ballotName,
      ...Object.values(k.ana.justifications),
      ...Object.values(k.bruno.justifications),
      ...carlaPublished,
      ...Object.values(k.davi.justifications),
      f.moderationReason,
    ], 'admin'),
    page('admin: import', `${a}/import`, [k.electionName], 'admin'),
    page('admin: volunteers', '/admin/volunteers', [f.volunteer.name], 'admin'),
    // admin-votes.ts
    // The menus cut statement texts and roll-call titles short: the texts are checked where they are shown whole.
    page('admin: roll calls', `${a}/votes`, [k.electionName, k.statements.s1.text, k.statements.s3.text, ...rollCalls, f.explanations.s1, f.explanations.s3], 'admin'),
    page('admin: roll-call link', `${a}/votes/links/s1/pl-1`, [k.electionName, k.statements.s1.text, f.rollCalls.pl1.bill, f.rollCalls.pl1.title, f.rollCalls.pl1.chamber, f.explanations.s1], 'admin'),
    // candidate.ts (carla, signed in)
    page('candidate area: dashboard', '/candidate', [k.carla.ballotName, k.electionName], 'candidate'),
    page('candidate area: profile', '/candidate/profile', [f.candidate.bio, ...f.candidate.links, f.candidate.photoUrl, f.candidate.gender], 'candidate'),
    page('candidate area: questionnaire', '/candidate/questionnaire', [...topics, ...statementTexts, ...contexts, ...carlaDraft], 'candidate'),
    page('candidate area: preview', '/candidate/preview', [
      k.carla.name,
      k.carla.ballotName,
      k.parties.pa.abbreviation,
      k.parties.pa.name,
      ...raceName(k.races.vereador),
      f.candidate.bio,
      ...f.candidate.links,
      f.candidate.gender,
      ...topics,
      ...statementTexts,
      ...carlaDraft,
    ], 'candidate'),
    // volunteer.ts
    page('volunteer: elections', '/volunteer', [k.electionName, f.electionName], 'volunteer'),
    page('volunteer: queue and held candidates', `/volunteer/e/${XSS_ELECTION}`, [
      k.electionName,
      ...races,
      k.eva.ballotName,
      ...k.eva.links,
      f.volunteer.note,
      k.fabio.ballotName,
      k.fabio.name,
    ], 'volunteer'),
  ];
}

/** The field a page in a language shows. */
export function resolve(shown: Shown, locale: Locale): Field {
  return 'tag' in shown ? (shown as Field) : (shown as Localized)[locale];
}

/** Attributes that hold an address the browser may load or navigate to. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'srcset', 'ping']);

interface ElementNode {
  tagName: string;
  attribs: Record<string, string>;
  /** The element's text content. */
  text: string;
}

/** The elements of a parsed page a selector matches. */
function elementsOf($: cheerio.CheerioAPI, selector: string): ElementNode[] {
  const found: ElementNode[] = [];
  $(selector).each((_, node) => {
    if ('attribs' in node) found.push({ tagName: node.tagName, attribs: node.attribs, text: $(node).text() });
  });
  return found;
}

/** An address as a browser reads its scheme: without spaces and control characters, in lowercase. */
function scheme(address: string): string {
  return Array.from(address)
    .filter((char) => char.charCodeAt(0) > 0x20)
    .join('')
    .toLowerCase();
}

/**
 * What in a page's markup would run code or load something a payload chose:
 * inline scripts (the site's own are files under /static/), event-handler
 * attributes, srcdoc frames, javascript:, vbscript: or data: addresses, and
 * frames, plugins and base addresses (no page of the site has any). Empty
 * when the page is inert.
 */
export function activeMarkup(html: string): string[] {
  const $ = cheerio.load(html);
  const found: string[] = [];
  for (const element of elementsOf($, 'script')) {
    const src = element.attribs.src;
    const body = element.text;
    if (src === undefined || !/^(\/static\/|https?:\/\/[^/]+\/static\/)/.test(src) || body.trim() !== '') {
      found.push(`<script${src === undefined ? '' : ` src="${src}"`}>${body.slice(0, 80)}`);
    }
  }
  for (const element of elementsOf($, '*')) {
    for (const [name, value] of Object.entries(element.attribs)) {
      const lower = name.toLowerCase();
      if (lower.startsWith('on')) found.push(`<${element.tagName} ${name}="${value.slice(0, 80)}">`);
      else if (lower === 'srcdoc') found.push(`<${element.tagName} srcdoc>`);
      else if (URL_ATTRIBUTES.has(lower) && /^(javascript|vbscript|data):/.test(scheme(value))) found.push(`<${element.tagName} ${name}="${value.slice(0, 80)}">`);
    }
  }
  for (const element of elementsOf($, 'iframe, frame, object, embed, base')) found.push(`<${element.tagName}>`);
  return found;
}

/** Everything a page says: its text (title and form fields included) and the values of its attributes. */
export function pageText(html: string): string {
  const $ = cheerio.load(html);
  const attributes = elementsOf($, '*').flatMap((element) => Object.values(element.attribs));
  return `${$('html').text()}\n${attributes.join('\n')}`;
}

/** The payloads a page does not show as text (should be none). */
export function missingFields(html: string, shows: readonly Field[]): string[] {
  const said = pageText(html);
  return shows.filter((field) => !said.includes(field.value)).map((field) => `${field.tag} ${field.where}`);
}

/**
 * What in an embed code (the HTML a journalist pastes into another site, from
 * a page's "embed this" box or from oEmbed) is more than the site's frame and
 * its height script. Empty when the code is just those.
 */
export function embedCodeProblems(code: string, base: string): string[] {
  const $ = cheerio.load(code);
  const found: string[] = [];
  for (const element of elementsOf($, 'head *, body *')) {
    const src = element.attribs.src ?? '';
    if (element.tagName === 'iframe' && src.startsWith(`${base}/embed/`)) continue;
    if (element.tagName === 'script' && src === `${base}/static/js/embed-host.js` && element.text === '') continue;
    found.push(`<${element.tagName} src="${src}">`);
  }
  for (const element of elementsOf($, '*')) {
    for (const name of Object.keys(element.attribs)) {
      if (/^on|^srcdoc$/i.test(name)) found.push(`<${element.tagName} ${name}>`);
    }
  }
  if ($('iframe').length !== 1) found.push(`${$('iframe').length} frames`);
  return found;
}
