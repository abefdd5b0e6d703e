import path from 'node:path';
import { constants as zlibConstants } from 'node:zlib';
import compression from 'compression';
import { admission } from './web/middleware/admission.js';
import express, { type Express } from 'express';
import { PROJECT_ROOT } from './project-root.js';
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
import { ReadModel } from './read-model/read-model.js';
import { createMailer } from './services/mailer.js';
import { BackgroundTasks } from './services/background.js';
import type { AppDeps } from './deps.js';
import { accountMiddleware } from './web/middleware/auth.js';
import { adminRouter } from './web/routes/admin.js';
import { adminElectionsRouter } from './web/routes/admin-elections.js';
import { volunteerRouter } from './web/routes/volunteer.js';
import { adminVotesRouter } from './web/routes/admin-votes.js';
import { refuseNul } from './web/middleware/nul.js';
import { requestLog } from './web/middleware/request-log.js';
import { candidateRouter } from './web/routes/candidate.js';

const root = PROJECT_ROOT;

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
  // COMPRESSION=off leaves it to a reverse proxy. Low levels (gzip 3, brotli 3) cost a fraction of
  // the defaults' time for nearly the same size; a brotli window of 256 kB rather than 4 MB gives the
  // same output and spares each response allocating (and V8 accounting for) the larger window.
  if (deps.config.compression) {
    app.use(
      compression({
        level: 3,
        brotli: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 3, [zlibConstants.BROTLI_PARAM_LGWIN]: 18 } },
      }),
    );
  }
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

  const readModel = new ReadModel(deps.db, deps.config.cacheRecheckMs);
  const background = deps.background ?? new BackgroundTasks(deps.logger);
  const mailer = deps.mailer ?? createMailer({ ...deps, background });
  const account = accountMiddleware({ ...deps, mailer, background });
  app.set('trust proxy', deps.config.trustProxy);
  if (deps.config.trustProxy === true) {
    deps.logger.warn(
      'TRUST_PROXY=true believes any X-Forwarded-For, which clients can write themselves: a client can pick its address and escape per-address limits. Set the number of proxies in front (e.g. TRUST_PROXY=1) or their addresses.',
    );
  }
  app.use(healthRouter(deps));
  app.use(admission(deps.config.pagesAtOnce, deps.config.pagesPerTurn));
  app.use('/api/v1', apiRouter({ ...deps, readModel }));
  app.use(publicRouter({ ...deps, readModel }));
  app.use(voterRouter({ ...deps, readModel }));
  app.use(embedRouter({ ...deps, readModel }));
  app.use(dataRouter({ ...deps, readModel }));
  app.use(candidateRouter({ ...deps, mailer, account, readModel, background }));
  // Before adminRouter: it mounts the account stack on all of /admin, and the roll-call pages mount their own.
  app.use(adminVotesRouter({ ...deps, mailer, account }));
  app.use(adminRouter({ ...deps, mailer, account }));
  app.use(adminElectionsRouter({ ...deps, mailer, account, background }));
  app.use(volunteerRouter({ ...deps, mailer, account, background }));

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
