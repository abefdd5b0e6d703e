import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

/** Whether a string or key anywhere inside holds a NUL; with a stack, not recursion, whatever the depth. */
function hasNul(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        pending.push(item);
      }
    }
  }
  return false;
}

/**
 * Refuses a query string or a parsed body holding a NUL character with 400.
 * No form or address has a use for one, and PostgreSQL cannot store it in
 * text: let through, it would fail the write with a server error.
 */
export const refuseNul: RequestHandler = (req, _res, next) => {
  if (hasNul(req.query) || hasNul(req.body)) {
    next(new AppError(400, 'bad_request', 'error.badRequest'));
    return;
  }
  next();
};
