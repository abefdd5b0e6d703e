import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { AppDeps } from '../../deps.js';
import { localize } from '../../domain/locale.js';
import type { AuthDeps } from '../../services/auth.js';
import { importRollCalls, type RollCallImportOutcome } from '../../services/roll-call-import.js';
import { findRollCallLink, removeRollCallLink, rollCallsOverview, saveRollCallLink } from '../../services/roll-call-links.js';
import { AppError, NotFoundError } from '../errors.js';
import { requireRole, type AccountMiddleware } from '../middleware/auth.js';
import { parsed, validate } from '../middleware/validate.js';
import { LinkFields, LinkParams, NewLinkForm, VotesParams, VotesQuery } from '../schemas/admin-votes.js';
import { linkPath, votesPageView, votesPath, type LinkFormState } from '../views/admin-votes.js';

/**
 * The organizers' roll-call pages (`/admin/e/:election/votes…`): the roll
 * calls and links of an election, the upload of votes.csv and links.csv (the
 * same import as `concordo import-votes`), and a form to add, change or
 * remove the link of a statement to a roll call, with what a yes vote means
 * and the public explanation why the vote tests the statement. Every change
 * is recorded in the audit log under the organizer's e-mail.
 */
export function adminVotesRouter(deps: AppDeps & AuthDeps & { account: AccountMiddleware }): Router {
  const router = Router();
  const base = '/admin/e/:election/votes';
  router.use(base, deps.account.stack, requireRole(['admin'], '/admin/login'));
  const actor = (req: Request) => req.signedIn!.user.email;

  // A national chamber's term of votes is a few megabytes: UPLOAD_MAX_MB (50 by default) leaves room.
  const maxMb = deps.config.uploadMaxMb;
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxMb * 1024 * 1024, files: 2, fields: 4, parts: 6 } }).fields([
    { name: 'votes', maxCount: 1 },
    { name: 'links', maxCount: 1 },
  ]);
  // Multer's own errors carry no HTTP status: a file too large gets the page again with a 413, other faults a 400.
  const uploadFiles: RequestHandler = (req, res, next) =>
    upload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError) {
        if (error.code !== 'LIMIT_FILE_SIZE') return next(new AppError(400, 'bad_request', 'error.badRequest'));
        const { election } = parsed(res, 'params', VotesParams);
        page(res, { election, form: { errors: [res.locals.t('admin.error.fileTooLarge', { max: maxMb })] }, status: 413 }).catch(next);
        return;
      }
      next(error);
    });
  // Over the hour's limit, the page says so before the files are read.
  const importLimit = deps.account.importLimit(async (_req, res) => {
    const { election } = parsed(res, 'params', VotesParams);
    await page(res, { election, form: { errors: [res.locals.t('admin.error.tooManyImports', { max: deps.config.importsPerHour })] }, status: 429 });
  });

  const page = async (
    res: Response,
    input: { election: string; form?: LinkFormState; imported?: RollCallImportOutcome; notice?: string; status?: number },
  ) => {
    const overview = await rollCallsOverview(deps.db, input.election);
    if (!overview) throw new NotFoundError();
    const view = votesPageView(overview, { locale: res.locals.locale, t: res.locals.t, csrfToken: String(res.locals.csrfToken), ...input });
    res.status(input.status ?? 200).render('admin/votes', view);
  };

  router.get(base, validate('params', VotesParams), validate('query', VotesQuery), async (_req, res) => {
    await page(res, { election: parsed(res, 'params', VotesParams).election, notice: parsed(res, 'query', VotesQuery).done });
  });

  router.post(`${base}/import`, validate('params', VotesParams), importLimit, uploadFiles, async (req, res) => {
    const { election } = parsed(res, 'params', VotesParams);
    const files = (req.files ?? {}) as Record<string, Express.Multer.File[] | undefined>;
    const [votes] = files.votes ?? [];
    const [links] = files.links ?? [];
    if (!votes || !links) {
      await page(res, { election, form: { errors: [res.locals.t('admin.votes.error.files')] }, status: 400 });
      return;
    }
    const imported = await importRollCalls(deps, {
      election,
      votes: { name: votes.originalname, content: votes.buffer },
      links: { name: links.originalname, content: links.buffer },
      actor: actor(req),
    });
    if (!imported.ok && imported.problem === 'no_election') throw new NotFoundError();
    await page(res, { election, imported, status: imported.ok ? 200 : 400 });
  });

  router.post(`${base}/links`, validate('params', VotesParams), async (req, res) => {
    const { election } = parsed(res, 'params', VotesParams);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = NewLinkForm.safeParse(body);
    if (!input.success) {
      await page(res, { election, form: formState(body, input.error.issues, res.locals.t), status: 400 });
      return;
    }
    const { statement, vote, direction, explanation } = input.data;
    const saved = await saveRollCallLink(deps, { election, statement, rollCall: vote, direction, explanation, actor: actor(req) });
    if (!saved.ok) {
      if (saved.problem === 'no_election') throw new NotFoundError();
      await page(res, { election, form: { ...formState(body, [], res.locals.t), errors: [res.locals.t(`admin.votes.error.${saved.problem}`)] }, status: 400 });
      return;
    }
    res.redirect(303, `${votesPath(election)}?done=saved`);
  });

  const linkPage = async (res: Response, input: { params: LinkParams; form?: LinkFormState; status?: number }) => {
    const { params } = input;
    const [overview, link] = await Promise.all([
      rollCallsOverview(deps.db, params.election),
      findRollCallLink(deps.db, { election: params.election, statement: params.statement, rollCall: params.vote }),
    ]);
    const found = overview?.links.find((l) => l.statement.key === params.statement && l.rollCall.key === params.vote);
    if (!overview || !link || !found) throw new NotFoundError();
    const { t, locale } = res.locals;
    res.status(input.status ?? 200).render('admin/vote-link', {
      title: t('admin.votes.editTitle'),
      election: localize(overview.election.name, locale),
      backHref: votesPath(params.election),
      statement: { key: found.statement.key, text: localize(found.statement.text, locale) },
      rollCall: found.rollCall,
      action: linkPath(params.election, params.statement, params.vote),
      removeAction: `${linkPath(params.election, params.statement, params.vote)}/delete`,
      form: {
        direction: input.form?.direction ?? String(link.direction),
        explanation: input.form?.explanation ?? link.explanation,
        errors: input.form?.errors ?? [],
      },
    });
  };

  const linkBase = `${base}/links/:statement/:vote`;
  router.get(linkBase, validate('params', LinkParams), async (_req, res) => {
    await linkPage(res, { params: parsed(res, 'params', LinkParams) });
  });

  router.post(linkBase, validate('params', LinkParams), async (req, res) => {
    const params = parsed(res, 'params', LinkParams);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = LinkFields.safeParse(body);
    if (!input.success) {
      await linkPage(res, { params, form: formState(body, input.error.issues, res.locals.t), status: 400 });
      return;
    }
    if (!(await findRollCallLink(deps.db, { election: params.election, statement: params.statement, rollCall: params.vote }))) throw new NotFoundError();
    const { direction, explanation } = input.data;
    await saveRollCallLink(deps, { election: params.election, statement: params.statement, rollCall: params.vote, direction, explanation, actor: actor(req) });
    res.redirect(303, `${votesPath(params.election)}?done=saved`);
  });

  router.post(`${linkBase}/delete`, validate('params', LinkParams), async (req, res) => {
    const params = parsed(res, 'params', LinkParams);
    const removed = await removeRollCallLink(deps, { election: params.election, statement: params.statement, rollCall: params.vote, actor: actor(req) });
    if (!removed) throw new NotFoundError();
    res.redirect(303, `${votesPath(params.election)}?done=removed`);
  });

  // Anything else under the prefix is not a page; say so before other routers guess.
  router.use(base, (_req: Request, _res: Response, next: NextFunction) => next(new NotFoundError()));

  return router;
}

/** The form as sent, with one message per field at fault. */
function formState(body: Record<string, unknown>, issues: ReadonlyArray<{ path: PropertyKey[] }>, t: (key: string) => string): LinkFormState {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
  const fields = [...new Set(issues.map((issue) => String(issue.path[0])))].filter((field) => ['statement', 'vote', 'direction', 'explanation'].includes(field));
  return {
    statement: text('statement'),
    vote: text('vote'),
    direction: text('direction'),
    explanation: text('explanation'),
    errors: fields.map((field) => t(`admin.votes.error.${field}`)),
  };
}
