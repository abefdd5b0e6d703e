import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { NotFoundError, BadRequestError } from '../errors.js';

type Part = 'params' | 'query' | 'body';

/**
 * Parses one part of the request with a zod schema and puts the result in
 * `res.locals.<part>`; handlers read only that. Bad path parameters are a 404
 * (no such page); a bad query or body is a 400 with the fields at fault.
 */
export function validate<S extends z.ZodType>(part: Part, schema: S) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const parsed = schema.safeParse(req[part] ?? {});
    if (!parsed.success) {
      if (part === 'params') return next(new NotFoundError());
      return next(
        new BadRequestError(
          'error.badRequest',
          parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
        ),
      );
    }
    (res.locals as Record<Part, unknown>)[part] = parsed.data;
    next();
  };
}

/** The parsed part, typed by its schema. */
export function parsed<S extends z.ZodType>(res: Response, part: Part, _schema: S): z.output<S> {
  return (res.locals as Record<Part, z.output<S>>)[part];
}
