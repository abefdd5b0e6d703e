import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppDeps } from '../../app.js';
import type { ElectionCache } from '../../services/election-cache.js';
import { decodeAnswerObjects, matchVoter, type VoterInputError } from '../../services/matching.js';
import { AppError, NotFoundError } from '../errors.js';
import { parsed, validate } from '../middleware/validate.js';
import { ElectionParams } from '../schemas/public.js';
import { MatchBody } from '../schemas/voter.js';

/** Largest JSON body accepted: a questionnaire's answers are a few kilobytes. */
const BODY_LIMIT = '64kb';

/**
 * The JSON API (SPEC §5.7). Open to every origin, sends no cookies; errors are
 * `{"error": {code, message, details?}}`. Bodies are never logged.
 */
export function apiRouter(deps: AppDeps & { cache: ElectionCache }): Router {
  const router = Router();
  router.use((req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.set({
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '86400',
      });
      res.status(204).end();
      return;
    }
    next();
  });

  router.post(
    '/elections/:election/match',
    validate('params', ElectionParams),
    requireJson,
    express.json({ limit: BODY_LIMIT, strict: true }),
    validate('body', MatchBody),
    async (_req, res) => {
      const params = parsed(res, 'params', ElectionParams);
      const body = parsed(res, 'body', MatchBody);
      const result = await matchVoter(deps.cache, {
        election: params.election,
        race: body.race,
        decode: (election) => decodeAnswerObjects(election, body),
        settings: { method: body.method, missing: body.missing },
        random: deps.random,
      });
      res.set('Cache-Control', 'no-store');
      if (result.kind === 'no_election') throw new NotFoundError();
      if (result.kind === 'invalid') throw invalidInput(result.errors);
      const { election, race, outcome } = result;
      if (!outcome.ok) {
        throw new AppError(400, 'too_few_answers', 'api.tooFewAnswers', {
          counted: outcome.counted,
          required: outcome.required,
        });
      }
      const parties = new Map(election.detail.parties.map((p) => [p.id, p.slug]));
      const topics = election.detail.topics.map((t) => t.slug);
      res.json({
        race: race.race.slug,
        method: body.method,
        missing: body.missing,
        counted: outcome.counted,
        results: outcome.results.map((r) => {
          const candidate = race.candidates[r.candidate]!;
          return {
            candidate: candidate.key,
            party: candidate.partyId === null ? null : (parties.get(candidate.partyId) ?? null),
            score: r.score,
            percent: r.percent,
            rank: r.rank,
            topics: Object.fromEntries(topics.map((slug, i) => [slug, r.topics[i] ?? null])),
          };
        }),
        unranked: outcome.unranked.map((row) => race.candidates[row]!.key),
      });
    },
  );

  return router;
}

function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is('application/json')) {
    next(new AppError(415, 'unsupported_media_type', 'error.unsupportedMediaType'));
    return;
  }
  next();
}

function invalidInput(errors: VoterInputError[]): AppError {
  const race = errors.find((e) => e.code === 'unknown_race');
  if (race) return new AppError(404, 'race_not_found', 'api.raceNotFound', { race: race.params.race });
  return new AppError(
    400,
    'invalid_answers',
    'api.invalidAnswers',
    errors.map((e) => ({ field: e.field, code: e.code, ...e.params })),
  );
}
