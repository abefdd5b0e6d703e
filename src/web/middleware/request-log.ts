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
          req: { id, method: req.method, path: req.originalUrl.split('?')[0] },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}
