import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { localeForCountry, localize, type LocalizedText } from '../../domain/locale.js';
import { scalePoints } from '../../domain/scale.js';
import { describePackageError } from '../../formats/election-package.js';
import { moderate, moderationTexts } from '../../services/admin.js';
import type { AuthDeps } from '../../services/auth.js';
import type { BackgroundTasks } from '../../services/background.js';
import { importElectionPackage } from '../../services/election-packages.js';
import { createElection, electionSettings, updateElectionSettings } from '../../services/election-settings.js';
import { allElections, currentElection } from '../../services/elections.js';
import { inviteCandidates } from '../../services/invitations.js';
import { candidateList, verifyCandidate } from '../../services/organizer-candidates.js';
import {
  answeredStatementIds,
  createStatement,
  createTopic,
  moveStatement,
  renameTopic,
  saveParty,
  saveRace,
  updateStatement,
} from '../../services/questionnaire-editing.js';
import { liveRosterJob, rosterJob, runRosterJobInBackground, startRosterJob } from '../../services/roster-jobs.js';
import { setElected } from '../../services/elected.js';
import { allVolunteers, approveVolunteer } from '../../services/volunteers.js';
import { AppError, NotFoundError } from '../errors.js';
import { requireRole, type AccountMiddleware } from '../middleware/auth.js';
import {
  CandidateFilter,
  ElectedForm,
  ElectionForm,
  InviteForm,
  ModerationForm,
  MoveForm,
  PartyForm,
  RaceForm,
  StatementForm,
  TopicForm,
  VerifyForm,
  VolunteerParams,
  localizedFromForm,
} from '../schemas/admin.js';
import { Slug } from '../schemas/ids.js';
import { paths } from '../paths.js';

const PAGE = 100;

/** The form message for each problem a service finds with an organizer's change. */
const PROBLEMS = {
  no_slug: 'admin.error.slug',
  slug_taken: 'admin.error.slugTaken',
  no_statement_id: 'admin.error.statementId',
  no_topic: 'admin.error.topic',
  locked: 'admin.error.locked',
} as const;

/**
 * The organizer's election management (`/admin/…`): elections and their
 * settings, topics and statements, races and parties, candidates
 * (verification, invitations), moderation, imports and exports. Each change is
 * recorded in the audit log with who made it.
 */
export function adminElectionsRouter(deps: AppDeps & AuthDeps & { account: AccountMiddleware; background: BackgroundTasks }): Router {
  const router = Router();
  const admin = requireRole(['admin'], '/admin/login');
  const actor = (req: Request) => ({ email: req.signedIn!.user.email });
  const t = (res: Response) => res.locals.t as (key: string, params?: Record<string, string | number>) => string;

  /** Parses a form; on failure renders `again` with the messages and a 400, and returns null. */
  const form = <S extends z.ZodType>(schema: S, req: Request, res: Response, again: (errors: string[]) => Promise<void>) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (parsed.success) return Promise.resolve(parsed.data as z.output<S>);
    const messages = [...new Set(parsed.error.issues.map((issue) => (issue.message.startsWith('admin.error.') ? t(res)(issue.message) : t(res)('admin.error.invalid'))))];
    res.status(400);
    return again(messages).then(() => null);
  };
  const election = async (req: Request) => {
    const slug = Slug.safeParse(req.params.election);
    const detail = slug.success ? await currentElection(deps.db, slug.data) : null;
    if (!detail) throw new NotFoundError();
    return detail;
  };
  const nav = (slug: string, current: string, res: Response) =>
    ['settings', 'questionnaire', 'races', 'candidates', 'moderation', 'import'].map((section) => ({
      label: t(res)(`admin.nav.${section}`),
      href: section === 'settings' ? `/admin/e/${slug}` : `/admin/e/${slug}/${section}`,
      current: section === current,
    }));
  const values = (body: unknown) => (body ?? {}) as Record<string, string>;
  const localizedValues = (prefix: string, text: LocalizedText | null) =>
    Object.fromEntries(['pt-BR', 'es', 'en'].map((l) => [`${prefix}_${l}`, text === null ? '' : typeof text === 'string' ? (l === 'pt-BR' ? text : '') : (text[l as 'en'] ?? '')]));

  /* Elections */

  const homePage = async (res: Response, extra: Record<string, unknown> = {}) => {
    const elections = await allElections(deps.db);
    res.render('admin/home', {
      title: t(res)('admin.title'),
      elections: elections.map((e) => ({ name: localize(e.name, res.locals.locale), href: `/admin/e/${e.slug}`, date: e.date })),
      values: { scale: '5', minAnswers: '5', country: 'BR' },
      ...extra,
    });
  };
  router.get('/admin', admin, (_req, res) => homePage(res));
  router.post('/admin/elections', admin, async (req, res) => {
    const input = await form(ElectionForm, req, res, (errors) => homePage(res, { errors, values: values(req.body) }));
    if (!input) return;
    const outcome = await createElection(deps, {
      slug: input.slug,
      name: localizedFromForm(input, 'name')!,
      date: input.date,
      country: input.country,
      scale: input.scale,
      minAnswers: input.minAnswers,
      questionnaireOpen: input.questionnaireOpen,
      actor: actor(req),
    });
    if (!outcome.ok) return homePage(res.status(400), { errors: [t(res)(PROBLEMS[outcome.problem])], values: values(req.body) });
    res.redirect(303, `/admin/e/${input.slug}`);
  });

  const settingsPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const e = await election(req);
    const settings = await electionSettings(deps.db, e.id);
    res.render('admin/election', {
      title: localize(e.name, res.locals.locale),
      nav: nav(e.slug, 'settings', res),
      publicHref: paths.election(e.slug),
      action: `/admin/e/${e.slug}/settings`,
      saved: req.query.saved === '1',
      values: {
        ...localizedValues('name', e.name),
        date: e.date,
        minAnswers: String(e.minAnswers),
        questionnaireOpen: e.questionnaireOpen,
        campaignPeriod: settings.campaignPeriod,
      },
      priorities: ['random', 'underrepresented'].map((p) => ({ value: p, label: t(res)(`admin.priority.${p}`), selected: p === settings.volunteerPriority })),
      audit: settings.audit.map((a) => ({ at: a.at, actor: a.actor, action: a.action, subject: a.candidate })),
      ...extra,
    });
  };
  router.get('/admin/e/:election', admin, (req, res) => settingsPage(req, res));
  router.post('/admin/e/:election/settings', admin, async (req, res) => {
    const e = await election(req);
    const input = await form(ElectionForm, req, res, (errors) => settingsPage(req, res, { errors, values: values(req.body) }));
    if (!input) return;
    await updateElectionSettings(deps, {
      electionId: e.id,
      name: localizedFromForm(input, 'name'),
      date: input.date,
      minAnswers: input.minAnswers,
      questionnaireOpen: input.questionnaireOpen,
      campaignPeriod: input.campaignPeriod,
      volunteerPriority: input.volunteerPriority,
      actor: actor(req),
    });
    res.redirect(303, `/admin/e/${e.slug}?saved=1`);
  });

  /* Volunteers: organizers approve who may take candidates to contact. */

  router.get('/admin/volunteers', admin, async (_req, res) => {
    const volunteers = await allVolunteers(deps.db);
    res.render('admin/volunteers', {
      title: t(res)('admin.volunteers.title'),
      volunteers: volunteers.map((v) => ({ name: v.name ?? '', email: v.email, since: v.createdAt, approved: v.approved, action: `/admin/volunteers/${v.id}/approve` })),
    });
  });
  router.post('/admin/volunteers/:id/approve', admin, async (req, res) => {
    const params = VolunteerParams.safeParse(req.params);
    const outcome = params.success ? await approveVolunteer(deps, { id: params.data.id, actor: actor(req) }) : null;
    if (!outcome?.ok) throw new NotFoundError();
    res.redirect(303, '/admin/volunteers');
  });

  /* Topics and statements */

  const questionnairePage = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const e = await election(req);
    const answered = await answeredStatementIds(deps.db, e.id);
    res.render('admin/questionnaire', {
      title: t(res)('admin.nav.questionnaire'),
      election: localize(e.name, res.locals.locale),
      nav: nav(e.slug, 'questionnaire', res),
      base: `/admin/e/${e.slug}`,
      topics: e.topics.map((topic) => ({
        slug: topic.slug,
        values: localizedValues('name', topic.name),
        statements: e.statements
          .filter((s) => s.topicId === topic.id)
          .map((s) => ({ key: s.key, text: localize(s.text, res.locals.locale), scale: s.scale, locked: answered.has(s.id), editHref: `/admin/e/${e.slug}/statements/${encodeURIComponent(s.key)}` })),
      })),
      topicOptions: e.topics.map((topic) => ({ slug: topic.slug, name: localize(topic.name, res.locals.locale) })),
      newStatement: {},
      newTopic: {},
      ...extra,
    });
  };
  router.get('/admin/e/:election/questionnaire', admin, (req, res) => questionnairePage(req, res));
  router.post('/admin/e/:election/topics', admin, async (req, res) => {
    const e = await election(req);
    const input = await form(TopicForm, req, res, (errors) => questionnairePage(req, res, { errors, newTopic: values(req.body) }));
    if (!input) return;
    const outcome = await createTopic(deps, { election: e, slug: input.slug, name: localizedFromForm(input, 'name'), actor: actor(req) });
    if (!outcome.ok) return questionnairePage(req, res.status(400), { errors: [t(res)(PROBLEMS[outcome.problem])], newTopic: values(req.body) });
    res.redirect(303, `/admin/e/${e.slug}/questionnaire`);
  });
  router.post('/admin/e/:election/topics/:topic', admin, async (req, res) => {
    const e = await election(req);
    const topic = e.topics.find((tp) => tp.slug === req.params.topic);
    if (!topic) throw new NotFoundError();
    const input = await form(TopicForm, req, res, (errors) => questionnairePage(req, res, { errors }));
    if (!input) return;
    await renameTopic(deps, { electionId: e.id, topic, name: localizedFromForm(input, 'name'), actor: actor(req) });
    res.redirect(303, `/admin/e/${e.slug}/questionnaire`);
  });
  router.post('/admin/e/:election/statements', admin, async (req, res) => {
    const e = await election(req);
    const input = await form(StatementForm, req, res, (errors) => questionnairePage(req, res, { errors, newStatement: values(req.body) }));
    if (!input) return;
    const outcome = await createStatement(deps, {
      election: e,
      key: input.key,
      topic: input.topic,
      text: localizedFromForm(input, 'text'),
      context: localizedFromForm(input, 'context'),
      scale: input.scale === '' ? null : input.scale,
      actor: actor(req),
    });
    if (!outcome.ok) return questionnairePage(req, res.status(400), { errors: [t(res)(PROBLEMS[outcome.problem])], newStatement: values(req.body) });
    res.redirect(303, `/admin/e/${e.slug}/questionnaire`);
  });

  const statementPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const e = await election(req);
    const statement = e.statements.find((s) => s.key === req.params.id);
    if (!statement) throw new NotFoundError();
    const answered = await answeredStatementIds(deps.db, e.id);
    res.render('admin/statement', {
      title: `${t(res)('admin.statement.title')} ${statement.key}`,
      nav: nav(e.slug, 'questionnaire', res),
      action: `/admin/e/${e.slug}/statements/${encodeURIComponent(statement.key)}`,
      locked: answered.has(statement.id),
      scaleLabels: scalePoints(statement.scale).map((p) => t(res)(p.labelKey)).join(' · '),
      topicOptions: e.topics.map((topic) => ({ slug: topic.slug, name: localize(topic.name, res.locals.locale), selected: topic.id === statement.topicId })),
      values: { ...localizedValues('text', statement.text), ...localizedValues('context', statement.context), scale: statement.scale === e.scale ? '' : String(statement.scale) },
      ...extra,
    });
  };
  router.get('/admin/e/:election/statements/:id', admin, (req, res) => statementPage(req, res));
  router.post('/admin/e/:election/statements/:id', admin, async (req, res) => {
    const e = await election(req);
    const statement = e.statements.find((s) => s.key === req.params.id);
    if (!statement) throw new NotFoundError();
    const input = await form(StatementForm, req, res, (errors) => statementPage(req, res, { errors, values: values(req.body) }));
    if (!input) return;
    const outcome = await updateStatement(deps, {
      election: e,
      statement,
      topic: input.topic,
      text: localizedFromForm(input, 'text'),
      context: localizedFromForm(input, 'context'),
      scale: input.scale === '' ? null : input.scale,
      actor: actor(req),
    });
    if (!outcome.ok) return statementPage(req, res.status(400), { errors: [t(res)(PROBLEMS[outcome.problem])], values: values(req.body) });
    res.redirect(303, `/admin/e/${e.slug}/questionnaire`);
  });
  router.post('/admin/e/:election/statements/:id/move', admin, async (req, res) => {
    const e = await election(req);
    const input = MoveForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    await moveStatement(deps, { electionId: e.id, key: String(req.params.id), direction: input.data.direction, actor: actor(req) });
    res.redirect(303, `/admin/e/${e.slug}/questionnaire`);
  });

  /* Races and parties */

  const racesPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const e = await election(req);
    res.render('admin/races', {
      title: t(res)('admin.nav.races'),
      election: localize(e.name, res.locals.locale),
      nav: nav(e.slug, 'races', res),
      base: `/admin/e/${e.slug}`,
      races: e.races.map((r) => ({ slug: r.slug, values: { ...localizedValues('office', r.office), ...localizedValues('district', r.district) } })),
      parties: e.parties.map((p) => ({ slug: p.slug, abbreviation: p.abbreviation, name: p.name, number: p.number ?? '' })),
      newRace: {},
      newParty: {},
      ...extra,
    });
  };
  router.get('/admin/e/:election/races', admin, (req, res) => racesPage(req, res));
  router.post('/admin/e/:election/races{/:race}', admin, async (req, res) => {
    const e = await election(req);
    const input = await form(RaceForm, req, res, (errors) => racesPage(req, res, { errors, newRace: values(req.body) }));
    if (!input) return;
    const existing = req.params.race ? e.races.find((r) => r.slug === req.params.race) : undefined;
    if (req.params.race && !existing) throw new NotFoundError();
    const outcome = await saveRace(deps, {
      election: e,
      race: existing,
      slug: input.slug,
      office: localizedFromForm(input, 'office'),
      district: localizedFromForm(input, 'district'),
      actor: actor(req),
    });
    if (!outcome.ok) return racesPage(req, res.status(400), { errors: [t(res)(PROBLEMS[outcome.problem])], newRace: values(req.body) });
    res.redirect(303, `/admin/e/${e.slug}/races`);
  });
  router.post('/admin/e/:election/parties{/:party}', admin, async (req, res) => {
    const e = await election(req);
    const input = await form(PartyForm, req, res, (errors) => racesPage(req, res, { errors, newParty: values(req.body) }));
    if (!input) return;
    const existing = req.params.party ? e.parties.find((p) => p.slug === req.params.party) : undefined;
    if (req.params.party && !existing) throw new NotFoundError();
    const fields = { abbreviation: input.abbreviation, name: input.name, number: input.number === '' ? null : input.number };
    const outcome = await saveParty(deps, { election: e, party: existing, slug: input.slug, fields, actor: actor(req) });
    if (!outcome.ok) return racesPage(req, res.status(400), { errors: [t(res)(PROBLEMS[outcome.problem])], newParty: values(req.body) });
    res.redirect(303, `/admin/e/${e.slug}/races`);
  });

  /* Candidates and invitations */

  const candidatesPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const e = await election(req);
    const filter = CandidateFilter.parse(req.query);
    const { total, candidates } = await candidateList(deps.db, { election: e, ...filter, pageSize: PAGE });
    const base = `/admin/e/${e.slug}/candidates`;
    const pages = Math.max(1, Math.ceil(total / PAGE));
    const pageHref = (page: number) => `${base}?${new URLSearchParams({ ...(filter.race ? { race: filter.race } : {}), ...(filter.status ? { status: filter.status } : {}), ...(filter.q ? { q: filter.q } : {}), page: String(page) })}`;
    res.render('admin/candidates', {
      title: t(res)('admin.nav.candidates'),
      election: localize(e.name, res.locals.locale),
      nav: nav(e.slug, 'candidates', res),
      base,
      inviteAction: `/admin/e/${e.slug}/invitations`,
      filter: { q: filter.q ?? '' },
      total,
      races: e.races.map((r) => ({ slug: r.slug, name: `${localize(r.office, res.locals.locale)} — ${localize(r.district, res.locals.locale)}`, selected: r.slug === filter.race })),
      statuses: ['listed', 'invited', 'registered', 'published'].map((s) => ({ value: s, label: t(res)(`status.${s}`), selected: s === filter.status })),
      candidates: candidates.map((c) => ({
        key: c.key,
        name: c.name,
        ballotName: c.ballotName,
        ballotNumber: c.ballotNumber,
        race: localize(e.races.find((r) => r.id === c.raceId)?.district ?? '', res.locals.locale),
        status: t(res)(`status.${c.status}`),
        verified: c.verified,
        elected: c.elected,
        hasEmail: c.hasEmail,
        publicHref: paths.candidate(e.slug, c.key),
        action: `${base}/${encodeURIComponent(c.key)}`,
      })),
      pager: { current: filter.page, pages, previous: filter.page > 1 ? pageHref(filter.page - 1) : null, next: filter.page < pages ? pageHref(filter.page + 1) : null },
      ...extra,
    });
  };
  router.get('/admin/e/:election/candidates', admin, (req, res) => candidatesPage(req, res));
  router.post('/admin/e/:election/candidates/:id/verify', admin, async (req, res) => {
    const e = await election(req);
    const input = VerifyForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    const outcome = await verifyCandidate(deps, { electionId: e.id, candidate: String(req.params.id), verified: input.data.verified === '1', actor: actor(req) });
    if (!outcome.ok) throw new NotFoundError();
    res.redirect(303, `/admin/e/${e.slug}/candidates?q=${encodeURIComponent(String(req.params.id))}`);
  });
  router.post('/admin/e/:election/candidates/:id/elected', admin, async (req, res) => {
    const e = await election(req);
    const input = ElectedForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    const outcome = await setElected(deps, { election: e.slug, candidate: String(req.params.id), elected: input.data.elected === '1', actor: req.signedIn!.user.email });
    if (!outcome.ok) throw new NotFoundError();
    res.redirect(303, `/admin/e/${e.slug}/candidates?q=${encodeURIComponent(String(req.params.id))}`);
  });

  /** Organizers' invitations are recorded as theirs (`invitations.created_by`, and the audit log). */
  const inviter = (req: Request) => ({ createdBy: `user:${req.signedIn!.user.id}`, actor: req.signedIn!.user.email });
  const invitationResult = async (req: Request, res: Response, outcome: Awaited<ReturnType<typeof inviteCandidates>>) => {
    const e = await election(req);
    if (!outcome.ok) throw new NotFoundError();
    res.render('admin/invitations', {
      title: t(res)('admin.invitations.title'),
      nav: nav(e.slug, 'candidates', res),
      invitations: outcome.invitations.map((i) => ({ ...i, whatsapp: `https://wa.me/?text=${encodeURIComponent(t(res)('admin.invitations.message', { link: i.link }))}` })),
      skipped: outcome.skipped.length,
      locale: localeForCountry(e.country),
    });
  };
  router.post('/admin/e/:election/candidates/:id/invite', admin, async (req, res) => {
    const e = await election(req);
    await invitationResult(req, res, await inviteCandidates(deps, { election: e.slug, candidate: String(req.params.id), by: inviter(req) }));
  });
  router.post('/admin/e/:election/invitations', admin, async (req, res) => {
    const e = await election(req);
    const input = InviteForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    // Everyone in the race (or election) who has neither an account nor any invitation yet.
    await invitationResult(req, res, await inviteCandidates(deps, { election: e.slug, race: input.data.race || undefined, onlyUninvited: true, by: inviter(req) }));
  });

  /* Moderation */

  const moderationPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const e = await election(req);
    const page = CandidateFilter.parse(req.query).page;
    const texts = await moderationTexts(deps.db, { electionId: e.id, page, pageSize: PAGE });
    res.render('admin/moderation', {
      title: t(res)('admin.nav.moderation'),
      election: localize(e.name, res.locals.locale),
      nav: nav(e.slug, 'moderation', res),
      action: `/admin/e/${e.slug}/moderation`,
      answers: texts.map((text) => ({
        id: text.id,
        candidate: text.candidate,
        name: text.candidateName,
        statement: text.statement,
        justification: text.text,
        where: t(res)(text.current ? 'admin.moderation.current' : 'admin.moderation.inHistory'),
        hiddenReason: text.redactedReason === null ? text.hiddenReason : null,
        redactedReason: text.redactedReason,
        redactedAt: text.redactedAt,
      })),
      next: texts.length === PAGE ? `/admin/e/${e.slug}/moderation?page=${page + 1}` : null,
      ...extra,
    });
  };
  router.get('/admin/e/:election/moderation', admin, (req, res) => moderationPage(req, res));
  router.post('/admin/e/:election/moderation', admin, async (req, res) => {
    const e = await election(req);
    const input = await form(ModerationForm, req, res, (errors) => moderationPage(req, res, { errors }));
    if (!input) return;
    const result = await moderate(deps, { electionId: e.id, ...input, actor: actor(req), actorUserId: req.signedIn!.user.id });
    if (result === 'not_found') return moderationPage(req, res.status(400), { errors: [t(res)('admin.error.noSuchAnswer')] });
    if (result === 'redacted') return moderationPage(req, res.status(409), { errors: [t(res)('admin.error.alreadyRedacted')] });
    res.redirect(303, `/admin/e/${e.slug}/moderation`);
  });

  /* Imports and exports */

  const importPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const e = await election(req);
    res.render('admin/import', {
      title: t(res)('admin.nav.import'),
      election: localize(e.name, res.locals.locale),
      nav: nav(e.slug, 'import', res),
      packageAction: `/admin/e/${e.slug}/import/package?_csrf=${encodeURIComponent(res.locals.csrfToken as string)}`,
      tseAction: `/admin/e/${e.slug}/import/tse?_csrf=${encodeURIComponent(res.locals.csrfToken as string)}`,
      exports: { json: `/data/${e.slug}.json`, csv: `/data/${e.slug}.csv` },
      ...extra,
    });
  };
  router.get('/admin/e/:election/import', admin, (req, res) => importPage(req, res));
  // Over the hour's limit, the page says so before the upload is read: nothing reaches the disk or the database.
  const importLimit = deps.account.importLimit((req, res) =>
    importPage(req, res, { errors: [t(res)('admin.error.tooManyImports', { max: deps.config.importsPerHour })] }),
  );
  /** Reads the one file of an import form to a temporary file; one over `maxMb` gets the page again with a 413. */
  const upload = (maxMb: number): RequestHandler => {
    const read = multer({ dest: tmpdir(), limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 10 } }).single('file');
    return (req, res, next) =>
      read(req, res, (error: unknown) => {
        if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
          importPage(req, res.status(413), { errors: [t(res)('admin.error.fileTooLarge', { max: maxMb })] }).catch(next);
          return;
        }
        next(error);
      });
  };
  router.post('/admin/e/:election/import/package', admin, importLimit, upload(deps.config.uploadMaxMb), async (req, res) => {
    const e = await election(req);
    const file = req.file;
    if (!file) return importPage(req, res.status(400), { errors: [t(res)('admin.error.noFile')] });
    try {
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(file.path, 'utf8');
      const outcome = await importElectionPackage(deps, { source, actor: req.signedIn!.user.email, election: e.slug });
      if (!outcome.ok && outcome.otherElection !== undefined) {
        return importPage(req, res.status(400), { errors: [t(res)('admin.error.otherElection', { slug: outcome.otherElection })] });
      }
      if (!outcome.ok) {
        const errors = outcome.errors
          ? outcome.errors.map((error) => describePackageError(error, (key, params) => t(res)(key, params)))
          : [t(res)('package.error.has_history', { kind: t(res)(`package.kind.${outcome.conflict?.params.kind ?? 'candidate'}`), id: outcome.conflict?.params.id ?? '' })];
        return importPage(req, res.status(400), { errors });
      }
      res.redirect(303, `/admin/e/${e.slug}/import?imported=1`);
    } finally {
      await rm(file.path, { force: true });
    }
  });
  // One roster import at a time per election: said before the upload is read, and decided by the database after.
  const runningImportPage = (req: Request, res: Response, running: { actor: string; createdAt: string }) =>
    importPage(req, res.status(409), { errors: [t(res)('admin.error.importRunning', { actor: running.actor })] });
  const oneRosterImport: RequestHandler = async (req, res, next) => {
    try {
      const running = await liveRosterJob(deps, (await election(req)).id);
      if (running) return await runningImportPage(req, res, running);
      next();
    } catch (error) {
      next(error);
    }
  };
  router.post('/admin/e/:election/import/tse', admin, importLimit, oneRosterImport, upload(deps.config.rosterUploadMaxMb), async (req, res) => {
    const e = await election(req);
    const file = req.file;
    if (!file || file.size === 0) {
      if (file) await rm(file.path, { force: true });
      return importPage(req, res.status(400), { errors: [t(res)('admin.error.noFile')] });
    }
    const actor = req.signedIn!.user.email;
    const started = await startRosterJob(deps, { electionId: e.id, actor });
    if (!started.ok) {
      await rm(file.path, { force: true });
      return runningImportPage(req, res, started.running);
    }
    // The import goes on after this response; its page shows the progress.
    deps.background.run('roster import', () => runRosterJobInBackground(deps, { jobId: started.jobId, election: e.slug, file: file.path, actor }));
    res.redirect(303, `/admin/jobs/${started.jobId}`);
  });
  router.get('/admin/jobs/:id', admin, async (req, res) => {
    const job = await rosterJob(deps, String(req.params.id));
    if (!job) throw new NotFoundError();
    const summary = job.summary === null ? null : (JSON.parse(job.summary) as Record<string, unknown>);
    // A job whose process stopped (restart, crash) never finishes: after five quiet minutes, it says so.
    const running = job.state === 'running';
    res.render('admin/job', {
      title: t(res)('admin.job.title'),
      refresh: running,
      status: t(res)(`admin.job.${job.state}`),
      running,
      processed: job.processed,
      summary: summary && job.state === 'done' ? t(res)('cli.tse.summary', summary as Record<string, number>) : null,
      rejections: summary && Array.isArray(summary.rejections) ? (summary.rejections as Array<{ line: number; reason: string; params: Record<string, string | number> }>).map((r) => t(res)('cli.tse.rejected', { line: r.line, reason: t(res)(`tse.reject.${r.reason}`, r.params) })) : [],
      error:
        job.state !== 'failed' || !summary
          ? null
          : typeof summary.code === 'string'
            ? t(res)(`tse.file.${summary.code}`, { ...(summary.params as Record<string, string | number>), line: Number(summary.line), file: 'CSV' })
            : t(res)('error.internal'),
      back: `/admin/e/${job.electionSlug}/candidates`,
    });
  });

  return router;
}
