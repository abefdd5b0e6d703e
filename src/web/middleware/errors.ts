import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { translate } from '../../i18n.js';
import { DEFAULT_LOCALE, isLocale } from '../../domain/locale.js';
import { AppError, NotFoundError } from '../errors.js';
import { loggablePath } from './request-log.js';

const wantsJson = (req: Request) => req.path.startsWith('/api/') || req.path === '/oembed' || req.path === '/healthz';

/** Every unmatched route: a 404 in the form the route's audience reads. */
export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError());
}

/**
 * The one error handler: AppErrors keep their status and code; body-parser's
 * errors (bad JSON, too large, wrong charset) keep theirs; anything else is a
 * generic 500 with the details in the log only.
 */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = toAppError(error);
    if (!known) logger.error({ err: error, path: loggablePath(req), method: req.method }, 'unhandled error');
    const appError = known ?? new AppError(500, 'internal', 'error.internal');
    if (res.headersSent) {
      res.end();
      return;
    }
    const locale = isLocale(res.locals.locale) ? res.locals.locale : DEFAULT_LOCALE;
    const message = translate(locale, appError.messageKey);
    res.status(appError.status);
    if (wantsJson(req)) {
      res.json({
        error: {
          code: appError.code,
          message,
          ...(appError.details === undefined ? {} : { details: appError.details }),
        },
      });
      return;
    }
    const title = translate(locale, `error.title.${titleKey(appError.status)}`);
    res.render('errors/error', { title, status: appError.status, message }, (renderError, html) => {
      if (renderError) {
        // The page templates themselves failed: a bare page, still in the user's language.
        logger.error({ err: renderError }, 'error page did not render');
        res.type('html').send(`<!doctype html><html lang="${locale}"><title>${title}</title><h1>${title}</h1><p>${message}</p></html>`);
        return;
      }
      res.send(html);
    });
  };
}

function titleKey(status: number): string {
  if (status === 404) return 'notFound';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'tooMany';
  return status >= 500 ? 'internal' : 'badRequest';
}

function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  // Uploads: too large a file, or more files or fields than a form has.
  if (error !== null && typeof error === 'object' && 'name' in error && error.name === 'MulterError') {
    const code = 'code' in error ? String(error.code) : '';
    return code === 'LIMIT_FILE_SIZE' ? new AppError(413, 'payload_too_large', 'error.payloadTooLarge') : new AppError(400, 'bad_request', 'error.badRequest');
  }
  // body-parser and friends mark client errors with a status and a type.
  if (error !== null && typeof error === 'object' && 'status' in error && typeof error.status === 'number') {
    const status = error.status;
    const type = 'type' in error && typeof error.type === 'string' ? error.type : '';
    if (status === 413) return new AppError(413, 'payload_too_large', 'error.payloadTooLarge');
    if (status === 415) return new AppError(415, 'unsupported_media_type', 'error.unsupportedMediaType');
    if (type === 'entity.parse.failed') return new AppError(400, 'invalid_json', 'error.invalidJson');
    if (status >= 400 && status < 500) return new AppError(status, 'bad_request', 'error.badRequest');
  }
  return null;
}
