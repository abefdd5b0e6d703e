import { Router } from 'express';
import type { AppDeps } from '../../app.js';
import { seededRandom } from '../../domain/fairness.js';
import { candidatePage, electionOverview, electionsOverview, racePage } from '../../services/public-pages.js';
import { NotFoundError } from '../errors.js';
import { parsed, validate } from '../middleware/validate.js';
import { CandidateParams, ElectionParams, OrderQuery, RaceParams } from '../schemas/public.js';
import { candidateView, electionsView, electionView, raceView } from '../views/public.js';

/** The public pages of elections, races and candidates (SPEC §3). */
export function publicRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const items = await electionsOverview(deps.db);
    res.render('pages/home', electionsView(items, res.locals.locale, res.locals.t));
  });

  router.get('/e/:election', validate('params', ElectionParams), async (_req, res) => {
    const params = parsed(res, 'params', ElectionParams);
    const overview = await electionOverview(deps.db, params.election);
    if (!overview) throw new NotFoundError();
    res.render('pages/election', electionView(overview, res.locals.locale, res.locals.t));
  });

  router.get(
    '/e/:election/races/:race',
    validate('params', RaceParams),
    validate('query', OrderQuery),
    async (_req, res) => {
      const params = parsed(res, 'params', RaceParams);
      const query = parsed(res, 'query', OrderQuery);
      // A fresh random order at every visit unless the link fixes one (SPEC §2).
      const seed = query.seed ?? Math.floor(deps.random() * 0x100000000);
      const page = await racePage(deps.db, { ...params, random: seededRandom(seed) });
      if (!page) throw new NotFoundError();
      res.set('Cache-Control', 'no-cache');
      res.render('pages/race', raceView(page, { locale: res.locals.locale, t: res.locals.t, seed }));
    },
  );

  router.get('/e/:election/candidates/:id', validate('params', CandidateParams), async (_req, res) => {
    const params = parsed(res, 'params', CandidateParams);
    const page = await candidatePage(deps.db, { election: params.election, candidate: params.id });
    if (!page) throw new NotFoundError();
    res.render('pages/candidate', candidateView(page, res.locals.locale, res.locals.t));
  });

  return router;
}
