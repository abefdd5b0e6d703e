import express, { type RequestHandler } from 'express';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../formats/json-depth.js';
import { AppError } from '../errors.js';

/**
 * Parses a JSON body of at most `limit`, refusing with a 400 one that nests
 * deeper than any request needs, before it is parsed: what walks the parsed
 * body afterwards (the NUL check, zod) could otherwise run out of stack.
 */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    strict: true,
    verify: (_req, _res, body) => {
      // body-parser answers with the status of what `verify` throws.
      if (nestsDeeperThan(body)) throw new AppError(400, 'too_deep', 'error.jsonTooDeep', { maxDepth: MAX_JSON_DEPTH });
    },
  });
}
