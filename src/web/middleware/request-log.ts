import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

/**
 * One log line per request once its answer is sent, or once the client has
 * gone: the method and the path (never the query or the headers: voter
 * answers travel in query strings), the status and the time taken. Liveness
 * checks are not logged.
 *
 * pino-http, used before, made a child logger for every request: a cost
 * that showed on the cheapest answers (widgets).
 */
export function requestLog(logger: Logger) {
  let lastId = 0;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.url === '/healthz') {
      next();
      return;
    }
    lastId += 1;
    const id = lastId;
    const started = performance.now();
    res.once('close', () => {
      logger.info(
        {
          req: { id, method: req.method, path: loggablePath(req) },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}

/** A segment of a path that matched no route, kept in logs: lowercase words, numbers, file names. */
const HARMLESS_SEGMENT = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;
/** Longer than any slug or file name of the site, or a run of hex digits: could be a token or its hash. */
const TOKEN_LIKE = /^(?:.{41,}|[0-9a-f]{16,})$/;

/**
 * The path a log line names. One-time tokens travel in paths (invitation,
 * reset and organizer set-up links): a request that a route answered is
 * logged under the route's pattern (`/candidate/invitation/:token`); one that
 * no route matched (a mistyped link, a static file) keeps its harmless
 * segments and shows `:redacted` for the others.
 */
export function loggablePath(req: Request): string {
  const pattern: unknown = req.route?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  const path = req.originalUrl.split('?')[0] ?? '';
  return path
    .split('/')
    .map((segment) => (segment === '' || (HARMLESS_SEGMENT.test(segment) && !TOKEN_LIKE.test(segment)) ? segment : ':redacted'))
    .join('/');
}
