import type { RequestHandler } from 'express';

/**
 * Serves at most `limit` page requests at once; the others wait in arrival
 * order, each starting in an event-loop turn of its own.
 *
 * Node accepts about one new connection per turn of its event loop. When all
 * waiting requests ran in the same turn, a busy server's turns grew to
 * hundreds of milliseconds and new visitors waited seconds just to be
 * accepted (under 200 busy connections, some waited past 10 s). Short turns
 * keep new connections coming in while the open ones are served.
 *
 * Only GET and HEAD wait: form posts and uploads read their bodies at the
 * sender's pace and must not hold a turn meanwhile, and neither must the
 * open-data downloads, which stream for as long as the reader takes.
 */
export function admission(limit: number): RequestHandler {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) setImmediate(next);
    else running -= 1;
  };
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/data/')) {
      next();
      return;
    }
    const start = () => {
      // A visitor who left while waiting gives their turn to the next one.
      if (req.destroyed) {
        release();
        return;
      }
      let released = false;
      const done = () => {
        if (released) return;
        released = true;
        release();
      };
      res.once('finish', done);
      res.once('close', done);
      next();
    };
    if (running < limit) {
      running += 1;
      start();
    } else {
      waiting.push(start);
    }
  };
}
