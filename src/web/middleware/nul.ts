import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([key, v]) => key.includes('\u0000') || hasNul(v));
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
