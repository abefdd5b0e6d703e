import { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AppDeps } from '../../deps.js';
import type { ReadModel } from '../../read-model/read-model.js';
import { decodeAnswerObjects, matchVoter, type VoterInputError } from '../../services/matching.js';
import { AppError, NotFoundError } from '../errors.js';
import { parsed, validate } from '../middleware/validate.js';
import { ElectionParams } from '../schemas/public.js';
import { Slug } from '../schemas/ids.js';
import { MatchBody } from '../schemas/voter.js';
import { allElections } from '../../services/elections.js';
import { changesPage, publicCandidates } from '../../services/open-data.js';
import { electionCoherence } from '../../services/coherence.js';
import { coherenceJson } from '../../services/coherence-data.js';
import { jsonBody } from '../middleware/json-body.js';
import { refuseNul } from '../middleware/nul.js';
import { sendWithoutTag } from '../render.js';
import { matchJson } from '../views/match-json.js';
import { z } from 'zod';

const RaceFilter = z.object({ race: Slug.optional() });
const PageQuery = z.object({ page: z.coerce.number().int().min(1).max(1_000_000).default(1) });

/** Largest JSON body accepted: a questionnaire's answers are a few kilobytes. */
const BODY_LIMIT = '64kb';

/**
 * The JSON API (SPEC §5.7). Open to every origin, sends no cookies; errors are
 * `{"error": {code, message, details?}}`. Bodies are never logged.
 */
export function apiRouter(deps: AppDeps & { readModel: ReadModel }): Router {
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

  // Read endpoints: cacheable for a minute; Express adds a weak ETag and answers 304 to a matching If-None-Match.
  const readable = (res: Response) => res.set('Cache-Control', 'public, max-age=60');

  router.get('/elections', async (_req, res) => {
    const elections = await allElections(deps.db);
    readable(res);
    res.json({
      elections: elections.map((e) => ({
        slug: e.slug,
        name: e.name,
        date: e.date,
        country: e.country,
        scale: e.scale,
        minAnswers: e.minAnswers,
        questionnaireOpen: e.questionnaireOpen,
        url: `${deps.config.baseUrl}/api/v1/elections/${e.slug}`,
      })),
    });
  });

  router.get('/elections/:election', validate('params', ElectionParams), async (_req, res) => {
    const election = await deps.readModel.detail(parsed(res, 'params', ElectionParams).election);
    if (!election) throw new NotFoundError();
    const topicSlugs = new Map(election.topics.map((t) => [t.id, t.slug]));
    readable(res);
    res.json({
      election: {
        slug: election.slug,
        name: election.name,
        date: election.date,
        country: election.country,
        scale: election.scale,
        minAnswers: election.minAnswers,
        questionnaireOpen: election.questionnaireOpen,
      },
      topics: election.topics.map((t) => ({ slug: t.slug, name: t.name })),
      statements: election.statements.map((s) => ({ id: s.key, topic: topicSlugs.get(s.topicId), text: s.text, context: s.context, scale: s.scale })),
      races: election.races.map((r) => ({ slug: r.slug, office: r.office, district: r.district })),
      parties: election.parties.map((p) => ({ slug: p.slug, abbreviation: p.abbreviation, name: p.name, number: p.number })),
    });
  });

  router.get('/elections/:election/candidates', validate('params', ElectionParams), validate('query', RaceFilter), async (_req, res) => {
    const election = await deps.readModel.detail(parsed(res, 'params', ElectionParams).election);
    const { race } = parsed(res, 'query', RaceFilter);
    if (!election || (race !== undefined && !election.races.some((r) => r.slug === race))) throw new NotFoundError();
    const candidates = [];
    for await (const batch of publicCandidates(deps.db, election, race)) candidates.push(...batch);
    readable(res);
    res.json({ election: election.slug, race: race ?? null, candidates });
  });

  router.get('/elections/:election/changes', validate('params', ElectionParams), validate('query', PageQuery), async (_req, res) => {
    const election = await deps.readModel.detail(parsed(res, 'params', ElectionParams).election);
    if (!election) throw new NotFoundError();
    readable(res);
    res.json({ election: election.slug, ...(await changesPage(deps.db, election, parsed(res, 'query', PageQuery).page, 100)) });
  });

  router.get('/elections/:election/coherence', validate('params', ElectionParams), async (_req, res) => {
    const coherence = await electionCoherence(deps, parsed(res, 'params', ElectionParams).election);
    if (!coherence) throw new NotFoundError();
    readable(res);
    res.json(coherenceJson(coherence));
  });

  // Matching costs CPU: each address may ask MATCH_RATE_PER_MINUTE times a minute.
  const matchLimit = rateLimit({
    windowMs: 60_000,
    limit: deps.config.matchRatePerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError(429, 'too_many_requests', 'error.tooManyRequests')),
  });

  router.post(
    '/elections/:election/match',
    matchLimit,
    validate('params', ElectionParams),
    requireJson,
    jsonBody(BODY_LIMIT),
    refuseNul,
    validate('body', MatchBody),
    async (_req, res) => {
      const params = parsed(res, 'params', ElectionParams);
      const body = parsed(res, 'body', MatchBody);
      const result = await matchVoter(deps.readModel, {
        election: params.election,
        race: body.race,
        decode: (election) => decodeAnswerObjects(election, body),
        settings: { method: body.method, missing: body.missing },
        random: deps.random,
      });
      res.set('Cache-Control', 'no-store');
      if (result.kind === 'no_election') throw new NotFoundError();
      if (result.kind === 'invalid') throw invalidInput(result.errors);
      const { outcome } = result;
      if (!outcome.ok) {
        throw new AppError(400, 'too_few_answers', 'api.tooFewAnswers', {
          counted: outcome.counted,
          required: outcome.required,
        });
      }
      sendWithoutTag(res, 'json', matchJson(result, deps.readModel.matchOpenings(result.race), body));
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
