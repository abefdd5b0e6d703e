import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { localeForCountry, localize } from '../../domain/locale.js';
import { endSession, logIn, openLink, RESET_PATH, type AuthDeps, type LinkProblem } from '../../services/auth.js';
import type { BackgroundTasks } from '../../services/background.js';
import { allElections, currentElection } from '../../services/elections.js';
import { passwordProblem } from '../../services/passwords.js';
import {
  CHANNELS,
  confirmVolunteer,
  holdings,
  inviteHeldCandidate,
  isApproved,
  logContact,
  OUTCOMES,
  queue,
  raceProgress,
  releaseCandidate,
  signUpVolunteer,
  takeCandidate,
  VOLUNTEER_CONFIRM_PATH,
} from '../../services/volunteers.js';
import { translate } from '../../i18n.js';
import { AppError, NotFoundError } from '../errors.js';
import { responseDone } from '../after-response.js';
import { cookieNames, cookieOptions, requireRole, type AccountMiddleware } from '../middleware/auth.js';
import { LoginForm, TokenParams } from '../schemas/accounts.js';
import { Slug } from '../schemas/ids.js';

/** How long an opened confirmation link waits, in a cookie, for its form. */
const LINK_COOKIE_MS = 60 * 60 * 1000;

const SignUpForm = z.strictObject({
  name: z.string().trim().min(2).max(120),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  password: z.string().max(1024),
  confirm: z.string().max(1024),
  _csrf: z.string().optional(),
});
const ConfirmForm = z.strictObject({ password: z.string().max(1024), _csrf: z.string().optional() });
const CandidateForm = z.strictObject({ candidate: z.string().trim().min(1).max(100), _csrf: z.string().optional() });
const ContactForm = z.strictObject({
  candidate: z.string().trim().min(1).max(100),
  channel: z.enum(CHANNELS),
  outcome: z.enum(OUTCOMES),
  note: z.string().trim().max(1000).default(''),
  _csrf: z.string().optional(),
});
const QueueQuery = z.object({ race: Slug.optional().catch(undefined) });

/**
 * The volunteer area (`/volunteer/…`): sign-up (confirmed by an e-mailed
 * link, then approved by an organizer),
 * a queue of candidates who have not published, candidates held for a while
 * with their invitation link and a prepared message, a contact log, and the
 * response rate of the races worked on.
 */
export function volunteerRouter(deps: AppDeps & AuthDeps & { account: AccountMiddleware; background: BackgroundTasks }): Router {
  const router = Router();
  const { account, config } = deps;
  router.use('/volunteer', account.stack);
  const volunteer = requireRole(['volunteer'], '/volunteer/login');
  const t = (res: Response) => res.locals.t as (key: string, params?: Record<string, string | number>) => string;
  const names = cookieNames(config);
  const linkProblemPage = (res: Response, problem: LinkProblem) =>
    res
      .status(problem === 'unknown' ? 404 : 410)
      .render('candidate/link-problem', { title: t(res)(`link.${problem}.title`), message: t(res)(`link.${problem}.message`) });

  const signUpPage = (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    res.status(status).render('volunteer/signup', { title: t(res)('volunteer.signup.title'), values: {}, ...extra });
  router.get('/volunteer/signup', (_req, res) => signUpPage(res));
  router.post('/volunteer/signup', ...account.mailLimits, (req, res) => {
    const input = SignUpForm.safeParse(req.body ?? {});
    const values = { name: String(req.body?.name ?? ''), email: String(req.body?.email ?? '') };
    if (!input.success) return signUpPage(res, { error: t(res)('volunteer.signup.invalid'), values }, 400);
    const { name, email, password, confirm } = input.data;
    const problem = password !== confirm ? 'mismatch' : passwordProblem(password);
    if (problem) return signUpPage(res, { error: t(res)(`account.problem.${problem}`), values }, 400);
    // The same answer at once, whether the address has an account or not: hashing the password,
    // looking the address up and writing the mail (a link to confirm, or "someone tried") come after it.
    const locale = res.locals.locale;
    deps.background.run('volunteer sign-up', () => signUpVolunteer(deps, { name, email, password, locale }), responseDone(res));
    res.render('volunteer/signup-sent', { title: t(res)('volunteer.signup.title') });
  });

  // The confirmation link: its token moves into the short-lived link cookie, then a form asks for the password chosen at sign-up.
  router.get(`${VOLUNTEER_CONFIRM_PATH}/:token`, account.linkLimit, async (req, res) => {
    const params = TokenParams.safeParse(req.params);
    const link = await openLink(deps, params.success ? params.data.token : null, ['volunteer']);
    if (!link.ok || !params.success) return linkProblemPage(res, link.ok ? 'unknown' : link.problem);
    res.cookie(names.link, params.data.token, cookieOptions(config, LINK_COOKIE_MS));
    res.set('Referrer-Policy', 'no-referrer');
    res.redirect(303, VOLUNTEER_CONFIRM_PATH);
  });
  const linkToken = (req: Request) => (req.cookies as Record<string, string | undefined>)[names.link];
  const confirmPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const link = await openLink(deps, linkToken(req), ['volunteer']);
    if (!link.ok) return linkProblemPage(res, link.problem);
    return res.status(status).render('volunteer/confirm', { title: t(res)('volunteer.confirm.title'), ...extra });
  };
  router.get(VOLUNTEER_CONFIRM_PATH, account.linkLimit, (req, res) => confirmPage(req, res));
  router.post(VOLUNTEER_CONFIRM_PATH, account.linkLimit, async (req, res) => {
    const input = ConfirmForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    const result = await confirmVolunteer(deps, { token: linkToken(req), password: input.data.password });
    if (!result.ok) {
      if (result.problem === 'wrong_password') return confirmPage(req, res, { error: t(res)('volunteer.confirm.wrongPassword'), resetHref: RESET_PATH }, 400);
      return linkProblemPage(res, result.problem);
    }
    res.clearCookie(names.link, cookieOptions(config));
    account.setSession(res, result.sessionToken);
    res.redirect(303, '/volunteer');
  });
  const loginPage = (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    res.status(status).render('candidate/login', { title: t(res)('volunteer.login'), action: '/volunteer/login', resetHref: '/candidate/reset', signupHref: '/volunteer/signup', ...extra });
  router.get('/volunteer/login', (_req, res) => loginPage(res));
  router.post('/volunteer/login', ...account.loginLimits, async (req, res) => {
    const input = LoginForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    const signedIn = await logIn(deps, { email: input.data.email, password: input.data.password, roles: ['volunteer'] });
    if (!signedIn) return loginPage(res, { error: t(res)('login.failed'), email: input.data.email }, 401);
    account.setSession(res, signedIn.token);
    res.redirect(303, '/volunteer');
  });
  router.post('/volunteer/logout', async (req, res) => {
    await endSession(deps, (req.cookies as Record<string, string | undefined>)[names.session]);
    account.clearSession(res);
    res.redirect(303, '/volunteer/login');
  });

  router.get('/volunteer', volunteer, async (req, res) => {
    const approved = await isApproved(deps.db, req.signedIn!.user.id);
    const elections = approved ? await allElections(deps.db) : [];
    res.render('volunteer/home', {
      title: t(res)('volunteer.title'),
      approved,
      elections: elections.map((e) => ({ name: localize(e.name, res.locals.locale), href: `/volunteer/e/${e.slug}` })),
    });
  });

  const electionOf = async (req: Request) => {
    const slug = Slug.safeParse(req.params.election);
    const election = slug.success ? await currentElection(deps.db, slug.data) : null;
    if (!election) throw new NotFoundError();
    // A volunteer waiting for approval sees no queue and no candidate.
    if (!(await isApproved(deps.db, req.signedIn!.user.id))) throw new AppError(403, 'not_approved', 'volunteer.notApproved');
    return election;
  };

  router.get('/volunteer/e/:election', volunteer, async (req, res) => {
    const election = await electionOf(req);
    const volunteerId = req.signedIn!.user.id;
    const query = QueueQuery.parse(req.query);
    const race = query.race ? election.races.find((r) => r.slug === query.race) : undefined;
    const [next, held] = await Promise.all([
      queue(deps, { electionId: election.id, raceId: race?.id, volunteerId, limit: 20 }),
      holdings(deps, { electionId: election.id, volunteerId }),
    ]);
    const raceIds = [...new Set([...(race ? [race.id] : []), ...held.map((h) => h.raceId)])];
    const progress = await raceProgress(deps.db, election.id, raceIds);
    const raceName = (id: number) => {
      const r = election.races.find((x) => x.id === id);
      return r ? `${localize(r.office, res.locals.locale)} — ${localize(r.district, res.locals.locale)}` : '';
    };
    const base = `/volunteer/e/${election.slug}`;
    res.render('volunteer/election', {
      title: localize(election.name, res.locals.locale),
      base,
      races: election.races.map((r) => ({ slug: r.slug, name: raceName(r.id), selected: r.id === race?.id })),
      maxHold: config.volunteerMaxHold,
      holdHours: config.volunteerHoldHours,
      queue: next.map((c) => ({ ...c, race: raceName(c.raceId), status: t(res)(`status.${c.status}`) })),
      held: held.map((h) => {
        return {
          key: h.key,
          name: h.ballotName,
          race: raceName(h.raceId),
          email: h.email,
          links: h.links,
          expiresAt: h.expiresAt,
          canInvite: h.status === 'listed' || h.status === 'invited',
          // With an e-mail on file, the invitation goes there; the volunteer never sees its link.
          inviteLabel: t(res)(h.email ? 'volunteer.sendInvitation' : 'volunteer.getLink'),
          attempts: h.attempts.map((a) => ({ at: a.at, channel: t(res)(`volunteer.channel.${a.channel}`), outcome: t(res)(`volunteer.outcome.${a.outcome}`), note: a.note })),
        };
      }),
      channels: CHANNELS.map((c) => ({ value: c, label: t(res)(`volunteer.channel.${c}`) })),
      outcomes: OUTCOMES.map((o) => ({ value: o, label: t(res)(`volunteer.outcome.${o}`) })),
      progress: raceIds.map((id) => {
        const rate = progress.get(id)!;
        return { race: raceName(id), label: t(res)('rate.summary', { published: rate.published, total: rate.total, percent: rate.percent ?? 0 }), percent: rate.percent ?? 0 };
      }),
      notice: typeof req.query.notice === 'string' && /^[a-z_]+$/.test(req.query.notice) ? t(res)(`volunteer.notice.${req.query.notice}`, { max: config.volunteerTakesPerDay }) : null,
    });
  });

  router.post('/volunteer/e/:election/take', volunteer, async (req, res) => {
    const election = await electionOf(req);
    const input = CandidateForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    const outcome = await takeCandidate(deps, { electionId: election.id, candidateKey: input.data.candidate, volunteerId: req.signedIn!.user.id });
    if (outcome === 'not_found') throw new NotFoundError();
    res.redirect(303, `/volunteer/e/${election.slug}?notice=${outcome}`);
  });
  router.post('/volunteer/e/:election/release', volunteer, async (req, res) => {
    const election = await electionOf(req);
    const input = CandidateForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    await releaseCandidate(deps, { electionId: election.id, candidateKey: input.data.candidate, volunteerId: req.signedIn!.user.id });
    res.redirect(303, `/volunteer/e/${election.slug}?notice=released`);
  });
  /*
   * An invitation for a held candidate, with a message ready to send. The link itself is shown only
   * for a candidate with no e-mail on file; see inviteHeldCandidate for the rules.
   */
  router.post('/volunteer/e/:election/invite', volunteer, async (req, res) => {
    const election = await electionOf(req);
    const input = CandidateForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    const user = req.signedIn!.user;
    const held = (await holdings(deps, { electionId: election.id, volunteerId: user.id })).find((h) => h.key === input.data.candidate);
    if (!held) throw new AppError(409, 'not_held', 'volunteer.notHeld');
    const outcome = await inviteHeldCandidate(deps, { election, candidateKey: held.key, volunteer: { id: user.id, email: user.email } });
    if (outcome.kind === 'not_held') throw new AppError(409, 'not_held', 'volunteer.notHeld');
    if (outcome.kind === 'registered') throw new AppError(409, 'registered', 'volunteer.alreadyRegistered');
    const page = { title: t(res)('volunteer.invite.title'), name: held.ballotName, back: `/volunteer/e/${election.slug}` };
    if (outcome.kind === 'live') return res.status(409).render('volunteer/invite', { ...page, liveUntil: outcome.expiresAt });
    const locale = localeForCountry(election.country);
    const electionName = localize(election.name, locale);
    const message =
      outcome.kind === 'emailed'
        ? translate(locale, 'volunteer.messageEmailed', { name: held.name, election: electionName, email: outcome.to })
        : translate(locale, 'volunteer.message', { name: held.name, election: electionName, link: outcome.link });
    res.render('volunteer/invite', {
      ...page,
      emailedTo: outcome.kind === 'emailed' ? outcome.to : null,
      email: held.email,
      message,
      whatsapp: `https://wa.me/?text=${encodeURIComponent(message)}`,
    });
  });

  router.post('/volunteer/e/:election/contacts', volunteer, async (req, res) => {
    const election = await electionOf(req);
    const input = ContactForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'volunteer.contactInvalid');
    const outcome = await logContact(deps, { electionId: election.id, candidateKey: input.data.candidate, volunteerId: req.signedIn!.user.id, channel: input.data.channel, outcome: input.data.outcome, note: input.data.note || null });
    if (outcome === 'not_held') throw new AppError(409, 'not_held', 'volunteer.notHeld');
    res.redirect(303, `/volunteer/e/${election.slug}?notice=logged`);
  });

  return router;
}
