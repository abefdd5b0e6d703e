import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as zlibConstants } from 'node:zlib';
import compression from 'compression';
import { admission } from './web/middleware/admission.js';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { Clock } from './domain/clock.js';
import type { RandomSource } from './domain/fairness.js';
import { viewHelpers } from './web/view-helpers.js';
import { viewEngine } from './web/view-engine.js';
import { errorHandler, notFound } from './web/middleware/errors.js';
import { i18n } from './web/middleware/i18n.js';
import { embedSecurity, strictSecurity } from './web/middleware/security.js';
import { healthRouter } from './web/routes/health.js';
import { publicRouter } from './web/routes/public.js';
import { apiRouter } from './web/routes/api.js';
import { voterRouter } from './web/routes/voter.js';
import { embedRouter } from './web/routes/embed.js';
import { dataRouter } from './web/routes/data.js';
import { ElectionCache } from './services/election-cache.js';
import { createMailer, type Mailer } from './services/mailer.js';
import { BackgroundTasks } from './services/background.js';
import { accountMiddleware } from './web/middleware/auth.js';
import { adminRouter } from './web/routes/admin.js';
import { adminElectionsRouter } from './web/routes/admin-elections.js';
import { volunteerRouter } from './web/routes/volunteer.js';
import { adminVotesRouter } from './web/routes/admin-votes.js';
import { refuseNul } from './web/middleware/nul.js';
import { requestLog } from './web/middleware/request-log.js';
import { candidateRouter } from './web/routes/candidate.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What the app needs from outside; tests pass their own. */
export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Random numbers for neutral orderings when the request gives no seed. */
  random: RandomSource;
  /** Signs CSRF tokens; see services/secret.ts. */
  secret: string;
  /** Sends e-mail; by default through the outbox, delivered in `background` (services/mailer.ts). */
  mailer?: Mailer;
  /** Work done after the answer (e-mail delivery, account look-ups, roster imports); shutting down waits for it. */
  background?: BackgroundTasks;
}

/** The Express application: middleware, views, routers, 404 and the error handler. It does not listen. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.engine(
    '.hbs',
    viewEngine({
      defaultLayout: 'main',
      layoutsDir: path.join(root, 'views/layouts'),
      partialsDir: path.join(root, 'views/partials'),
      helpers: viewHelpers,
    }),
  );
  app.set('view engine', '.hbs');
  app.set('views', path.join(root, 'views'));
  if (deps.config.nodeEnv === 'production') app.enable('view cache');

  app.use(requestLog(deps.logger));
  // Embeds get their own, framable policy from their router.
  const framable = embedSecurity(deps.config.embedAllowedOrigins);
  app.use((req, res, next) => (req.path.startsWith('/embed/') ? framable(req, res, next) : strictSecurity(req, res, next)));
  // Level 3 (gzip) and quality 3 (brotli): a 114 kB results page compresses in 0.4 ms to 8.6 kB and
  // 7.5 kB, against 0.9 ms (gzip 6, 7.2 kB) and 0.7 ms (brotli 4, 6.9 kB) by default, per request.
  // A brotli window of 256 kB (2^18) rather than 4 MB: the same 7.5 kB, and a 2 MB "show all" page
  // no larger; each response's encoder allocated (and reported to V8) the whole window, and with
  // browsers' Accept-Encoding a results page cost 3.2-3.3 ms of server CPU, now 2.4.
  app.use(
    compression({
      level: 3,
      brotli: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 3, [zlibConstants.BROTLI_PARAM_LGWIN]: 18 } },
    }),
  );
  app.use(i18n);
  app.use(refuseNul);
  app.use(
    '/static',
    express.static(path.join(root, 'public'), {
      maxAge: deps.config.nodeEnv === 'production' ? '1d' : 0,
      index: false,
      // The script that fits embeds to their content runs on other sites' pages: let them load it.
      setHeaders: (res, file) => {
        if (path.basename(file) === 'embed-host.js') res.set('Cross-Origin-Resource-Policy', 'cross-origin');
      },
    }),
  );

  const cache = new ElectionCache(deps.db, deps.config.cacheRecheckMs);
  const background = deps.background ?? new BackgroundTasks(deps.logger);
  const mailer = deps.mailer ?? createMailer({ ...deps, background });
  const account = accountMiddleware({ ...deps, mailer });
  app.set('trust proxy', deps.config.trustProxy);
  if (deps.config.trustProxy === true) {
    deps.logger.warn(
      'TRUST_PROXY=true believes any X-Forwarded-For, which clients can write themselves: a client can pick its address and escape per-address limits. Set the number of proxies in front (e.g. TRUST_PROXY=1) or their addresses.',
    );
  }
  app.use(healthRouter(deps));
  app.use(admission(deps.config.pagesAtOnce, deps.config.pagesPerTurn));
  app.use('/api/v1', apiRouter({ ...deps, cache }));
  app.use(publicRouter({ ...deps, cache }));
  app.use(voterRouter({ ...deps, cache }));
  app.use(embedRouter({ ...deps, cache }));
  app.use(dataRouter({ ...deps, cache }));
  app.use(candidateRouter({ ...deps, mailer, account, cache, background }));
  // Before adminRouter: it mounts the account stack on all of /admin, and the roll-call pages mount their own.
  app.use(adminVotesRouter({ ...deps, mailer, account }));
  app.use(adminRouter({ ...deps, mailer, account }));
  app.use(adminElectionsRouter({ ...deps, mailer, account, background }));
  app.use(volunteerRouter({ ...deps, mailer, account, background }));

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
