import type { RequestHandler } from 'express';

/**
 * Serves at most `limit` page requests at once, and starts at most `perTurn`
 * in one turn of the event loop; the others wait in arrival order.
 *
 * Node accepts new connections once per turn of its event loop. A page whose
 * data is in memory runs from start to finish inside the turn that read its
 * request, so limiting pages at once did not limit a turn: with many busy
 * keep-alive connections, a turn served every one of them, the server
 * accepted new connections only between those long turns, and new visitors
 * waited seconds just to be let in. Short turns keep new connections coming
 * in while the open ones are served.
 *
 * Only GET and HEAD wait: form posts and uploads read their bodies at the
 * sender's pace and must not hold a turn meanwhile, and neither must the
 * open-data downloads, which stream for as long as the reader takes.
 */
export function admission(limit: number, perTurn: number): RequestHandler {
  let running = 0;
  let startedThisTurn = 0;
  const waiting: Array<() => void> = [];
  let turnEnding = false;
  // Runs after this turn's reads (the check phase): a new turn's starts, the first waiting ones first.
  const nextTurn = () => {
    turnEnding = false;
    startedThisTurn = 0;
    while (waiting.length > 0 && running < limit && startedThisTurn < perTurn) {
      running += 1;
      startedThisTurn += 1;
      waiting.shift()!();
    }
    if (waiting.length > 0 && running < limit) endTurnSoon();
  };
  const endTurnSoon = () => {
    if (turnEnding) return;
    turnEnding = true;
    setImmediate(nextTurn);
  };
  const release = () => {
    running -= 1;
    if (waiting.length > 0) endTurnSoon();
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
    if (waiting.length === 0 && running < limit && startedThisTurn < perTurn) {
      running += 1;
      startedThisTurn += 1;
      endTurnSoon();
      start();
    } else {
      waiting.push(start);
      endTurnSoon();
    }
  };
}
