import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AppDeps } from '../../deps.js';
import type { CandidateProfile, DraftAnswer } from '../../domain/election.js';
import { localize } from '../../domain/locale.js';
import {
  RESET_PATH,
  acceptCandidateInvitation,
  endSession,
  logIn,
  openLink,
  requestPasswordReset,
  setPasswordFromLink,
  type AuthDeps,
  type LinkProblem,
} from '../../services/auth.js';
import { loadCandidate, loadQuestionnaire, publishDraft, saveDraft, saveProfile, type Questionnaire } from '../../services/candidate-answers.js';
import { INVITATION_PATH } from '../../services/invitations.js';
import { stopActing } from '../../services/admin.js';
import { AppError, NotFoundError } from '../errors.js';
import { cookieNames, cookieOptions, requireRole, type AccountMiddleware } from '../middleware/auth.js';
import { SharedRateLimitStore } from '../middleware/rate-limit-store.js';
import { LoginForm, PasswordForm, ProfileForm, ResetForm, TokenParams, WelcomeForm } from '../schemas/accounts.js';
import type { ReadModel } from '../../read-model/read-model.js';
import type { BackgroundTasks } from '../../services/background.js';
import { responseDone } from '../after-response.js';
import {
  accountProblemView,
  dashboardView,
  previewView,
  profileErrorsView,
  questionnaireView,
  type ProfileError,
  type StatementError,
} from '../views/candidate.js';
import { RACE_COLORS } from '../../domain/election.js';
import { raceColorLabel } from '../views/public.js';

/** Where each kind of account lands once signed in afresh by a reset link. */
const HOME_PATHS = { admin: '/admin', candidate: '/candidate', volunteer: '/volunteer' } as const;

/** How long an opened invitation or reset link waits, in a cookie, for its form. */
const LINK_COOKIE_MS = 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/**
 * The candidate area (`/candidate/…`): invitation, password, login, profile,
 * questionnaire, preview, publication. Every page works without JavaScript;
 * every state change needs the session's CSRF token.
 */
export function candidateRouter(deps: AppDeps & AuthDeps & { account: AccountMiddleware; readModel: ReadModel; background: BackgroundTasks }): Router {
  const router = Router();
  const { account, config } = deps;
  const names = cookieNames(config);
  router.use('/candidate', account.stack);

  const render = (res: Response, view: string, data: Record<string, unknown>, status = 200) => res.status(status).render(view, data);
  const linkProblemPage = (res: Response, problem: LinkProblem) =>
    render(res, 'candidate/link-problem', { title: res.locals.t(`link.${problem}.title`), message: res.locals.t(`link.${problem}.message`) }, problem === 'unknown' ? 404 : 410);
  const form = <T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, req: Request) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    return parsed.data;
  };

  /* Login and logout */

  const loginPage = (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    render(res, 'candidate/login', { title: res.locals.t('login.title'), action: '/candidate/login', resetHref: RESET_PATH, ...extra }, status);

  router.get('/candidate/login', (_req, res) => loginPage(res));
  router.post('/candidate/login', ...account.loginLimits, async (req, res) => {
    const input = form(LoginForm, req);
    const signedIn = await logIn(deps, { email: input.email, password: input.password, roles: ['candidate'] });
    if (!signedIn) {
      loginPage(res, { error: res.locals.t('login.failed'), email: input.email }, 401);
      return;
    }
    account.setSession(res, signedIn.token);
    res.redirect(303, '/candidate');
  });
  router.post('/candidate/logout', async (req, res) => {
    await endSession(deps, (req.cookies as Record<string, string | undefined>)[names.session]);
    account.clearSession(res);
    res.redirect(303, '/candidate/login');
  });

  /*
   * Links: the token moves from the address into a short-lived cookie, then the form asks for a password.
   * Every step that reads a token counts the links that do not work (a cookie can be forged as easily as an address).
   */

  const arriveByLink = (path: string, next: string, purposes: Parameters<typeof openLink>[2]) =>
    router.get(`${path}/:token`, account.linkLimit, async (req, res) => {
      const params = TokenParams.safeParse(req.params);
      const link = await openLink(deps, params.success ? params.data.token : null, purposes);
      if (!link.ok) return linkProblemPage(res, link.problem);
      res.cookie(names.link, params.success ? params.data.token : '', cookieOptions(config, LINK_COOKIE_MS));
      res.set('Referrer-Policy', 'no-referrer');
      res.redirect(303, next);
    });
  const linkToken = (req: Request) => (req.cookies as Record<string, string | undefined>)[names.link];

  arriveByLink(INVITATION_PATH, '/candidate/welcome', ['candidate']);

  const welcomePage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const link = await openLink(deps, linkToken(req), ['candidate']);
    if (!link.ok) return linkProblemPage(res, link.problem);
    const state = link.invitation.candidateId === null ? null : await loadQuestionnaire(deps.db, link.invitation.candidateId, (slug) => deps.readModel.detail(slug));
    if (!state) return linkProblemPage(res, 'unknown');
    return render(
      res,
      'candidate/welcome',
      {
        title: res.locals.t('welcome.title'),
        candidateName: state.candidate.name,
        election: localize(state.election.name, res.locals.locale),
        email: link.invitation.email ?? '',
        ...extra,
      },
      status,
    );
  };
  router.get('/candidate/welcome', account.linkLimit, (req, res) => welcomePage(req, res));
  router.post('/candidate/welcome', account.linkLimit, async (req, res) => {
    const parsed = WelcomeForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      const email = typeof req.body?.email === 'string' ? req.body.email : '';
      return welcomePage(req, res, { ...accountProblemView('email', res.locals.t), email }, 400);
    }
    const result = await acceptCandidateInvitation(deps, { token: linkToken(req), ...parsed.data, locale: res.locals.locale });
    if (!result.ok) {
      if (result.problem === 'unknown' || result.problem === 'used' || result.problem === 'expired') {
        return linkProblemPage(res, result.problem);
      }
      return welcomePage(req, res, { ...accountProblemView(result.problem, res.locals.t), email: parsed.data.email }, 400);
    }
    res.clearCookie(names.link, cookieOptions(config));
    account.setSession(res, result.sessionToken);
    res.redirect(303, '/candidate');
  });

  /* Password reset */

  router.get(RESET_PATH, (_req, res) => render(res, 'candidate/reset', { title: res.locals.t('reset.title') }));
  router.post(RESET_PATH, ...account.mailLimits, (req, res) => {
    const input = form(ResetForm, req);
    // The same answer at once, whether the address has an account or not: looking it up, making the
    // link and writing the mail come after the answer, so neither its content nor its time tells.
    const locale = res.locals.locale;
    deps.background.run('password reset', () => requestPasswordReset(deps, { email: input.email, locale, path: RESET_PATH }), responseDone(res));
    render(res, 'candidate/reset-sent', { title: res.locals.t('reset.title') });
  });
  arriveByLink(RESET_PATH, '/candidate/password', ['reset']);
  const passwordPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const link = await openLink(deps, linkToken(req), ['reset']);
    if (!link.ok) return linkProblemPage(res, link.problem);
    return render(res, 'candidate/password', { title: res.locals.t('password.title'), action: '/candidate/password', ...extra }, status);
  };
  router.get('/candidate/password', account.linkLimit, (req, res) => passwordPage(req, res));
  router.post('/candidate/password', account.linkLimit, async (req, res) => {
    const input = form(PasswordForm, req);
    const result = await setPasswordFromLink(deps, { token: linkToken(req), ...input, purposes: ['reset'] });
    if (!result.ok) {
      if (result.problem === 'unknown' || result.problem === 'used' || result.problem === 'expired') return linkProblemPage(res, result.problem);
      return passwordPage(req, res, accountProblemView(result.problem, res.locals.t), 400);
    }
    res.clearCookie(names.link, cookieOptions(config));
    account.setSession(res, result.sessionToken);
    res.redirect(303, HOME_PATHS[result.user.role]);
  });

  /* The candidate's own pages: a candidate, or an organizer acting at a candidate's request. */

  const signedIn = requireRole(['candidate', 'admin'], '/candidate/login');
  /** The candidate this session works on, and how the history names who acted. */
  const sessionCandidate = (req: Request): { candidateId: number | null; actor: string; acting: boolean } => {
    const { user, session } = req.signedIn!;
    const candidateId = user.role === 'candidate' ? user.candidateId : session.actingCandidateId;
    // The public history says an organizer acted; which one is in the audit log.
    return user.role === 'admin' ? { candidateId, actor: 'organizer', acting: true } : { candidateId, actor: 'candidate', acting: false };
  };
  const current = async (req: Request): Promise<{ state: Questionnaire; actor: string; acting: boolean }> => {
    const { candidateId, actor, acting } = sessionCandidate(req);
    const state = candidateId === null ? null : await loadQuestionnaire(deps.db, candidateId, (slug) => deps.readModel.detail(slug));
    if (!state) throw new AppError(403, 'forbidden', 'error.forbidden');
    return { state, actor, acting };
  };
  const page = (res: Response, view: string, data: Record<string, unknown>, acting: boolean, status = 200) =>
    render(res, view, { ...data, acting }, status);

  router.get('/candidate', signedIn, async (req, res) => {
    const { state, acting } = await current(req);
    const notice = typeof req.query.done === 'string' && /^(published|saved|profile)$/.test(req.query.done) ? res.locals.t(`candidateArea.notice.${req.query.done}`) : null;
    page(res, 'candidate/dashboard', dashboardView(state, { locale: res.locals.locale, t: res.locals.t, acting, notice }), acting);
  });

  router.get('/candidate/profile', signedIn, async (req, res) => {
    const { state, acting } = await current(req);
    const p = state.candidate.profile;
    page(res, 'candidate/profile', profileView(res, p, {
      bio: p.bio ?? '',
      links: p.links.join('\n'),
      photoUrl: p.photoUrl ?? '',
      gender: p.gender ?? '',
      raceColor: p.raceColor ?? '',
      lgbt: p.lgbt === null ? '' : p.lgbt ? 'yes' : 'no',
      collective: p.collective === null ? '' : p.collective ? 'yes' : 'no',
    }), acting);
  });
  router.post('/candidate/profile', signedIn, async (req, res) => {
    const { state, acting } = await current(req);
    const stored = state.candidate.profile;
    const input = form(ProfileForm, req);
    // The select offers the IBGE categories and whatever is stored, however it was written.
    if (input.raceColor !== '' && !RACE_COLORS.includes(input.raceColor) && input.raceColor !== stored.raceColor) {
      throw new AppError(400, 'bad_request', 'error.badRequest');
    }
    const bio = input.bio.replace(/\r\n?/g, '\n').trim();
    const links = input.links.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const photoUrl = input.photoUrl.trim();
    // The form's limits apply to what the candidate changes: a value stored from a package is kept as it is.
    const errors: ProfileError[] = [];
    if (bio !== (stored.bio ?? '').replace(/\r\n?/g, '\n') && [...bio].length > 2000) errors.push({ field: 'bio', message: res.locals.t('profile.error.bio', { max: 2000 }) });
    if (links.join('\n') !== stored.links.join('\n')) {
      if (links.length > 5) errors.push({ field: 'links', message: res.locals.t('profile.error.tooManyLinks', { max: 5 }) });
      for (const link of links) if (!isHttpUrl(link)) errors.push({ field: 'links', message: res.locals.t('profile.error.link', { link }) });
    }
    if (photoUrl !== '' && photoUrl !== stored.photoUrl && !isHttpUrl(photoUrl, true)) errors.push({ field: 'photoUrl', message: res.locals.t('profile.error.photo') });
    if (errors.length > 0) {
      page(res, 'candidate/profile', { ...profileView(res, stored, input), ...profileErrorsView(errors) }, acting, 400);
      return;
    }
    const yesNo = (v: '' | 'yes' | 'no') => (v === '' ? null : v === 'yes');
    await saveProfile(deps, {
      candidateId: state.candidate.id,
      bio: bio || null,
      links,
      photoUrl: photoUrl || null,
      gender: input.gender || null,
      raceColor: input.raceColor || null,
      lgbt: yesNo(input.lgbt),
      collective: yesNo(input.collective),
    });
    res.redirect(303, '/candidate?done=profile');
  });

  router.get('/candidate/questionnaire', signedIn, async (req, res) => {
    const { state, acting } = await current(req);
    const view = questionnaireView(state, { locale: res.locals.locale, t: res.locals.t, maxLength: config.justificationMaxLength, saved: req.query.saved === '1' });
    page(res, 'candidate/questionnaire', view, acting);
  });
  router.post('/candidate/questionnaire', signedIn, async (req, res) => {
    // A save needs the statements, not the answers: those are read only to show the form again.
    const { candidateId } = sessionCandidate(req);
    const who = candidateId === null ? null : await loadCandidate(deps.db, candidateId, (slug) => deps.readModel.detail(slug));
    if (!who) throw new AppError(403, 'forbidden', 'error.forbidden');
    const body = (req.body ?? {}) as Record<string, unknown>;
    // The form has a choice and a justification per statement, and where to go next; nothing else.
    const fields = new Set(['_csrf', 'next', ...who.election.statements.flatMap((s) => [`v_${s.key}`, `j_${s.key}`])]);
    if (Object.keys(body).some((field) => !fields.has(field))) throw new AppError(400, 'bad_request', 'error.badRequest');
    const { answers, submitted, errors } = readQuestionnaire(who, body, { t: res.locals.t, maxLength: config.justificationMaxLength });
    if (errors.length > 0) {
      const { state, acting } = await current(req);
      const view = questionnaireView(state, { locale: res.locals.locale, t: res.locals.t, maxLength: config.justificationMaxLength, submitted, errors });
      page(res, 'candidate/questionnaire', view, acting, 400);
      return;
    }
    await saveDraft(deps, { candidateId: who.candidate.id, answers });
    res.redirect(303, body.next === 'preview' ? '/candidate/preview' : '/candidate/questionnaire?saved=1');
  });

  router.get('/candidate/preview', signedIn, async (req, res) => {
    const { state, acting } = await current(req);
    const race = state.election.races.find((r) => r.id === state.candidate.raceId);
    if (!race) throw new NotFoundError();
    page(res, 'candidate/preview', previewView(state, { locale: res.locals.locale, t: res.locals.t, race }), acting);
  });

  /*
   * Each publication writes public, chained history and makes every process rebuild the race: a
   * candidate (or a stolen session) may publish PUBLICATIONS_PER_HOUR times an hour. Counted per
   * candidate in the database, so that every app process counts against the same limit; a
   * publication refused for another reason (nothing to publish, questionnaire closed) does not count.
   */
  const publishLimit = rateLimit({
    store: new SharedRateLimitStore(deps, 'publish:'),
    windowMs: HOUR_MS,
    limit: config.publicationsPerHour,
    skipFailedRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `candidate:${sessionCandidate(req).candidateId ?? ''}`,
    // The dashboard again, with the draft kept and a message: not an error page.
    handler: (req, res, next) => {
      current(req)
        .then(({ state, acting }) => {
          const view = dashboardView(state, { locale: res.locals.locale, t: res.locals.t, acting, notice: null });
          page(res, 'candidate/dashboard', { ...view, error: res.locals.t('candidateArea.publishLimit', { count: config.publicationsPerHour }) }, acting, 429);
        })
        .catch(next);
    },
    validate: { keyGeneratorIpFallback: false },
  });

  router.post('/candidate/publish', signedIn, publishLimit, async (req, res) => {
    const { state, actor, acting } = await current(req);
    const result = await publishDraft(deps, { candidateId: state.candidate.id, actor, organizer: acting ? req.signedIn!.user.email : undefined });
    if (!result.ok) throw new AppError(409, result.problem, `candidateArea.publishProblem.${result.problem}`);
    res.redirect(303, '/candidate?done=published');
  });

  router.post('/candidate/stop-acting', signedIn, async (req, res) => {
    if (req.signedIn!.user.role !== 'admin') throw new AppError(403, 'forbidden', 'error.forbidden');
    await stopActing(deps.db, req.signedIn!.session.idHash);
    res.redirect(303, '/admin');
  });

  return router;
}

/**
 * The profile form's data: the values to show (stored, or as sent back with
 * errors), with a note beside each value the court's roster gave, and the
 * stored race/colour among the choices even when it is none of the IBGE's.
 */
function profileView(
  res: Response,
  stored: CandidateProfile,
  values: { bio: string; links: string; photoUrl: string; gender: string; raceColor: string; lgbt: string; collective: string },
) {
  const t = res.locals.t as (key: string, params?: Record<string, string | number>) => string;
  const options = (list: readonly string[], selected: string, label: (v: string) => string) =>
    ['', ...list].map((value) => ({ value, label: value === '' ? t('profile.preferNot') : label(value), selected: value === selected }));
  const raceColors = stored.raceColor !== null && !RACE_COLORS.includes(stored.raceColor) ? [...RACE_COLORS, stored.raceColor] : RACE_COLORS;
  return {
    title: t('profile.title'),
    ...values,
    courtGender: stored.genderSource === 'court' ? stored.gender : null,
    courtRaceColor: stored.raceColorSource === 'court' && stored.raceColor !== null ? raceColorLabel(stored.raceColor, t) : null,
    raceColors: options(raceColors, values.raceColor, (v) => raceColorLabel(v, t)),
    lgbtOptions: options(['yes', 'no'], values.lgbt, (v) => t(`common.${v}`)),
    collectiveOptions: options(['yes', 'no'], values.collective, (v) => t(`common.${v}`)),
  };
}

function isHttpUrl(value: string, httpsOnly = false): boolean {
  try {
    const url = new URL(value);
    return httpsOnly ? url.protocol === 'https:' : url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The questionnaire form's fields (`v_<statement>`: a point, `none`, or absent; `j_<statement>`) as draft answers. */
function readQuestionnaire(
  state: Pick<Questionnaire, 'election'>,
  body: Record<string, unknown>,
  input: { t: (key: string, params?: Record<string, string | number>) => string; maxLength: number },
) {
  const answers: DraftAnswer[] = [];
  const submitted = new Map<number, { value: string | null; justification: string }>();
  const errors: StatementError[] = [];
  for (const statement of state.election.statements) {
    const raw = body[`v_${statement.key}`];
    const value = typeof raw === 'string' && raw !== '' ? raw : null;
    const justificationRaw = body[`j_${statement.key}`];
    const justification = typeof justificationRaw === 'string' ? justificationRaw.replace(/\r\n/g, '\n').trim() : '';
    submitted.set(statement.id, { value, justification });
    if ([...justification].length > input.maxLength) {
      errors.push({ key: statement.key, message: input.t('questionnaire.error.tooLong', { number: statement.key, max: input.maxLength }) });
      continue;
    }
    if (value === null) {
      if (justification !== '') errors.push({ key: statement.key, message: input.t('questionnaire.error.noChoice', { number: statement.key }) });
      continue;
    }
    if (value === 'none') {
      answers.push({ statementId: statement.id, value: null, justification: justification || null });
      continue;
    }
    const point = Number(value);
    if (!Number.isInteger(point) || point < 1 || point > statement.scale) {
      errors.push({ key: statement.key, message: input.t('questionnaire.error.scale', { number: statement.key, max: statement.scale }) });
      continue;
    }
    answers.push({ statementId: statement.id, value: point, justification: justification || null });
  }
  return { answers, submitted, errors };
}
