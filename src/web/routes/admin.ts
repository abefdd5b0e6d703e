import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { actForCandidate } from '../../services/admin.js';
import { ADMIN_SETUP_PATH, endSession, logIn, openLink, setPasswordFromLink, type AuthDeps } from '../../services/auth.js';
import { AppError, NotFoundError } from '../errors.js';
import { cookieNames, cookieOptions, requireRole, type AccountMiddleware } from '../middleware/auth.js';
import { LoginForm, PasswordForm, TokenParams } from '../schemas/accounts.js';
import { Slug } from '../schemas/ids.js';
import { accountProblemView } from '../views/candidate.js';

const ActParams = z.object({ election: Slug, id: z.string().max(100) });

/**
 * The organizer area (`/admin/…`), same session and CSRF machinery as the
 * candidate area. For now: sign-in, first password, elections, and acting on
 * a candidate's behalf at their request (recorded in the history as such).
 */
export function adminRouter(deps: AppDeps & AuthDeps & { account: AccountMiddleware }): Router {
  const router = Router();
  const { account, config } = deps;
  const names = cookieNames(config);
  router.use('/admin', account.stack);
  const admin = requireRole(['admin'], '/admin/login');

  const loginPage = (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    res.status(status).render('candidate/login', { title: res.locals.t('login.adminTitle'), action: '/admin/login', ...extra });
  router.get('/admin/login', (_req, res) => loginPage(res));
  router.post('/admin/login', ...account.loginLimits, async (req, res) => {
    const input = LoginForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    const signedIn = await logIn(deps, { email: input.data.email, password: input.data.password, roles: ['admin'] });
    if (!signedIn) return loginPage(res, { error: res.locals.t('login.failed'), email: input.data.email }, 401);
    account.setSession(res, signedIn.token);
    res.redirect(303, '/admin');
  });
  router.post('/admin/logout', async (req, res) => {
    await endSession(deps, (req.cookies as Record<string, string | undefined>)[names.session]);
    account.clearSession(res);
    res.redirect(303, '/admin/login');
  });

  // Set-up links count towards the same limit of links that do not work as invitations.
  router.get(`${ADMIN_SETUP_PATH}/:token`, account.linkLimit, async (req, res) => {
    const params = TokenParams.safeParse(req.params);
    const link = await openLink(deps, params.success ? params.data.token : null, ['admin']);
    if (!link.ok || !params.success) {
      const problem = link.ok ? 'unknown' : link.problem;
      return res.status(problem === 'unknown' ? 404 : 410).render('candidate/link-problem', {
        title: res.locals.t(`link.${problem}.title`),
        message: res.locals.t(`link.${problem}.message`),
      });
    }
    res.cookie(names.link, params.data.token, cookieOptions(config, 60 * 60 * 1000));
    res.set('Referrer-Policy', 'no-referrer');
    res.redirect(303, ADMIN_SETUP_PATH);
  });
  const token = (req: Request) => (req.cookies as Record<string, string | undefined>)[names.link];
  router.get(ADMIN_SETUP_PATH, account.linkLimit, async (req, res) => {
    const link = await openLink(deps, token(req), ['admin']);
    if (!link.ok) throw new AppError(link.problem === 'unknown' ? 404 : 410, link.problem, `link.${link.problem}.message`);
    res.render('candidate/password', { title: res.locals.t('password.adminTitle'), action: ADMIN_SETUP_PATH });
  });
  router.post(ADMIN_SETUP_PATH, account.linkLimit, async (req, res) => {
    const input = PasswordForm.safeParse(req.body ?? {});
    if (!input.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    const result = await setPasswordFromLink(deps, { token: token(req), ...input.data, purposes: ['admin'] });
    if (!result.ok) {
      if (result.problem === 'unknown' || result.problem === 'used' || result.problem === 'expired') {
        throw new AppError(result.problem === 'unknown' ? 404 : 410, result.problem, `link.${result.problem}.message`);
      }
      return res.status(400).render('candidate/password', {
        title: res.locals.t('password.adminTitle'),
        action: ADMIN_SETUP_PATH,
        ...accountProblemView(result.problem, res.locals.t),
      });
    }
    res.clearCookie(names.link, cookieOptions(config));
    account.setSession(res, result.sessionToken);
    res.redirect(303, '/admin');
  });

  router.post('/admin/e/:election/candidates/:id/act', admin, async (req, res) => {
    const params = ActParams.safeParse(req.params);
    if (!params.success) throw new NotFoundError();
    const { user, session } = req.signedIn!;
    const outcome = await actForCandidate(deps, { election: params.data.election, candidate: params.data.id, sessionIdHash: session.idHash, actor: { email: user.email } });
    if (!outcome.ok) throw new NotFoundError();
    res.redirect(303, '/candidate');
  });

  return router;
}
