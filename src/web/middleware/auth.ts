import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import express, { type CookieOptions, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../../config.js';
import { resolveSession, type AuthDeps, type Role, type SignedIn } from '../../services/auth.js';
import type { BackgroundTasks } from '../../services/background.js';
import { refuseNul } from './nul.js';
import { SharedRateLimitStore } from './rate-limit-store.js';
import { AppError } from '../errors.js';

/*
 * The machinery shared by every signed-in area (candidates, organizers):
 * cookies, server-side sessions, CSRF tokens, login rate limits. It is mounted
 * only on those areas: voter and embed pages never set or read a cookie.
 */

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in person, when the session cookie names a live session. */
    signedIn?: SignedIn | undefined;
  }
}

const HOUR_MS = 60 * 60 * 1000;

/** Cookie names: `__Host-` prefixed (Secure, Path=/, no Domain) wherever cookies are Secure. */
export function cookieNames(config: Pick<Config, 'cookieSecure'>) {
  const prefix = config.cookieSecure ? '__Host-' : '';
  return { session: `${prefix}concordo_session`, link: `${prefix}concordo_link`, csrf: `${prefix}concordo_csrf` };
}

export function cookieOptions(config: Pick<Config, 'cookieSecure'>, maxAgeMs?: number): CookieOptions {
  return {
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: 'lax',
    path: '/',
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  };
}

export interface AccountMiddleware {
  /** Cookies, form bodies, the session and a CSRF token for templates; refuses state changes without a valid token. */
  stack: RequestHandler[];
  /** Counts failed logins per account and per address. Put before the login handler. */
  loginLimits: RequestHandler[];
  /**
   * Counts every request of a form that e-mails the address it is given
   * (password reset, volunteer sign-up), per e-mail address and per client
   * address, whatever the answer: each costs someone an e-mail. Put before
   * the handler.
   */
  mailLimits: RequestHandler[];
  /**
   * Counts links (invitation, password reset, organizer set-up) that do not
   * work, per address, so tokens cannot be guessed. Put before every handler
   * that reads a link's token, from the address or from the link cookie.
   */
  linkLimit: RequestHandler;
  /**
   * Counts uploads to the import forms per organizer, whatever their outcome;
   * over the limit, `refuse` answers (with a 429) before the upload is read.
   * Put after the role check and before the upload is parsed.
   */
  importLimit(refuse: (req: Request, res: Response) => Promise<void>): RequestHandler;
  setSession(res: Response, token: string): void;
  clearSession(res: Response): void;
}

export function accountMiddleware(deps: AuthDeps & { secret: string; background: BackgroundTasks }): AccountMiddleware {
  const { config } = deps;
  const names = cookieNames(config);
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => deps.secret,
    // Tokens are bound to the session, so a token from before login does not work after it.
    getSessionIdentifier: (req) => req.signedIn?.session.idHash ?? 'anonymous',
    cookieName: names.csrf,
    cookieOptions: { ...cookieOptions(config), sameSite: 'strict' },
    // Multipart forms (uploads) are parsed after this check, so they send the token in the query string.
    getCsrfTokenFromRequest: (req) => {
      const token = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.query._csrf;
      return typeof token === 'string' ? token : null;
    },
    errorConfig: { statusCode: 403, message: 'csrf', code: 'EBADCSRFTOKEN' },
  });

  const loadSession: RequestHandler = async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    const token = (req.cookies as Record<string, string | undefined>)[names.session];
    req.signedIn = token === undefined ? undefined : ((await resolveSession(deps, token)) ?? undefined);
    if (token !== undefined && !req.signedIn) res.clearCookie(names.session, cookieOptions(config));
    res.locals.signedIn = req.signedIn ? { email: req.signedIn.user.email, role: req.signedIn.user.role } : null;
    next();
  };

  // Fetch Metadata: a browser says when a request comes from another site; refuse those outright.
  const sameOriginOnly: RequestHandler = (req, _res, next) => {
    const site = req.get('Sec-Fetch-Site');
    if (req.method === 'POST' && site !== undefined && site !== 'same-origin' && site !== 'none') {
      next(new AppError(403, 'cross_site', 'error.csrf'));
      return;
    }
    next();
  };

  const csrf: RequestHandler = (req, res, next) => {
    doubleCsrfProtection(req, res, (error?: unknown) => {
      if (error) {
        next(new AppError(403, 'csrf', 'error.csrf'));
        return;
      }
      res.locals.csrfToken = generateCsrfToken(req, res, { overwrite: false, validateOnReuse: false });
      next();
    });
  };

  // Counted in the database, so that every app process counts against the same limits.
  const shared = (prefix: string) => new SharedRateLimitStore(deps, prefix);
  const failedLogins = (limit: number, prefix: string, key: (req: Request) => string) =>
    rateLimit({
      store: shared(prefix),
      windowMs: HOUR_MS,
      limit,
      skipSuccessfulRequests: true,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: key,
      handler: (_req, _res, next) => next(new AppError(429, 'too_many_attempts', 'error.tooManyLogins')),
      validate: { keyGeneratorIpFallback: false },
    });

  // Every request counts (the answer is the same whether a mail goes out or not), and the same
  // counts serve every form that e-mails an address, so spreading requests over them gains nothing.
  const mailRequests = (limit: number, prefix: string, key: (req: Request) => string) =>
    rateLimit({
      store: shared(prefix),
      windowMs: HOUR_MS,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: key,
      handler: (_req, _res, next) => next(new AppError(429, 'too_many_mail_requests', 'error.tooManyResets')),
      validate: { keyGeneratorIpFallback: false },
    });

  // Only link problems count (unknown 404, used or expired 410): a weak password on the form behind a good link does not.
  const linkLimit = rateLimit({
    store: shared('link:'),
    windowMs: HOUR_MS,
    limit: config.invitationMaxFailuresPerIp,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 404 && res.statusCode !== 410,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError(429, 'too_many_link_attempts', 'error.tooManyLinkAttempts')),
  });

  // One count for every import form, so spreading uploads over the forms gains nothing.
  const refusals = new WeakMap<Request, (req: Request, res: Response) => Promise<void>>();
  const imports = rateLimit({
    store: shared('import:'),
    windowMs: HOUR_MS,
    limit: config.importsPerHour,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `user:${req.signedIn?.user.id ?? ''}`,
    handler: (req, res, next) => {
      const refuse = refusals.get(req);
      if (refuse) refuse(req, res.status(429)).catch(next);
      else next(new AppError(429, 'too_many_imports', 'error.tooManyRequests'));
    },
    validate: { keyGeneratorIpFallback: false },
  });

  const emailOf = (req: Request) => {
    const email = (req.body as Record<string, unknown> | undefined)?.email;
    return typeof email === 'string' ? email.trim().toLowerCase() : '';
  };

  return {
    stack: [
      cookieParser(),
      express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 2000 }),
      sameOriginOnly,
      loadSession,
      csrf,
      refuseNul,
    ],
    loginLimits: [
      failedLogins(config.loginMaxFailuresPerIp, 'login-ip:', (req) => req.ip ?? ''),
      failedLogins(config.loginMaxFailuresPerAccount, 'login-account:', emailOf),
    ],
    mailLimits: [
      mailRequests(config.resetMaxPerIp, 'mail-ip:', (req) => req.ip ?? ''),
      mailRequests(config.resetMaxPerAccount, 'mail-account:', emailOf),
    ],
    linkLimit,
    importLimit: (refuse) => (req, res, next) => {
      refusals.set(req, refuse);
      return imports(req, res, next);
    },
    setSession: (res, token) =>
      res.cookie(names.session, token, cookieOptions(config, config.sessionAbsoluteHours * 3_600_000)),
    clearSession: (res) => res.clearCookie(names.session, cookieOptions(config)),
  };
}

/** Lets through only a signed-in person of one of these roles; others go to the login page. */
export function requireRole(roles: readonly Role[], loginPath: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.signedIn) {
      res.redirect(303, loginPath);
      return;
    }
    if (!roles.includes(req.signedIn.user.role)) {
      next(new AppError(403, 'forbidden', 'error.forbidden'));
      return;
    }
    next();
  };
}
