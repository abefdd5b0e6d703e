import { Router } from 'express';
import type { AppDeps } from '../../deps.js';
import { seededRandom, newSeed } from '../../domain/fairness.js';
import { candidatePage, electionOverview, electionsOverview, profileValues, racePage } from '../../services/public-pages.js';
import { NotFoundError } from '../errors.js';
import { withQuery } from '../middleware/i18n.js';
import { parsed, validate } from '../middleware/validate.js';
import {
  CandidateParams,
  ElectedQuery,
  ElectionParams,
  FilterQuery,
  filterFromQuery,
  OrderQuery,
  RaceParams,
  StatementParams,
  StatementQuery,
  TransparencyQuery,
} from '../schemas/public.js';
import type { ReadModel } from '../../read-model/read-model.js';
import { filterable, matchesFilter } from '../../domain/candidate-filter.js';
import { filterOptions } from '../../read-model/filter-options.js';
import { filterForm } from '../views/filters.js';
import { PAGE_SIZE, raceTopicMatrix, statementPage, transparencyPage } from '../../services/transparency.js';
import { embedSnippet, oembedHref, statementView, topicMatrixView, transparencyView } from '../views/transparency.js';
import { candidateView, electionsView, electionView, raceView } from '../views/public.js';
import { candidateCoherence, electedPage } from '../../services/coherence.js';
import { candidateCoherenceView, electedPath, electedView } from '../views/coherence.js';

/** The public pages of elections, races and candidates (SPEC §3). */
export function publicRouter(deps: AppDeps & { readModel: ReadModel }): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const items = await electionsOverview(deps.db);
    res.render('pages/home', electionsView(items, res.locals.locale, res.locals.t));
  });

  router.get('/e/:election', validate('params', ElectionParams), async (_req, res) => {
    const params = parsed(res, 'params', ElectionParams);
    const overview = await electionOverview(deps, params.election);
    if (!overview) throw new NotFoundError();
    res.render('pages/election', {
      ...electionView(overview, res.locals.locale, res.locals.t),
      embed: embedSnippet({
        baseUrl: deps.config.baseUrl,
        path: `/embed/e/${params.election}/quiz`,
        title: res.locals.t('quiz.title'),
        height: 900,
        t: res.locals.t,
      }),
      oembedHref: oembedHref(deps.config.baseUrl, `/e/${params.election}/quiz`),
    });
  });

  router.get(
    '/e/:election/races/:race',
    validate('params', RaceParams),
    validate('query', OrderQuery),
    async (req, res) => {
      const params = parsed(res, 'params', RaceParams);
      const query = parsed(res, 'query', OrderQuery);
      const filterQuery = FilterQuery.parse(req.query);
      const filter = filterFromQuery(filterQuery);
      // A fresh random order at every visit unless the link fixes one (SPEC §2).
      const seed = query.seed ?? newSeed(deps.random);
      const page = await racePage(deps, { ...params, random: seededRandom(seed) });
      const matrix = await raceTopicMatrix(deps.readModel, params);
      if (!page || !matrix) throw new NotFoundError();
      res.set('Cache-Control', 'no-cache');
      const means = new Map(matrix.rows.map((row) => [row.candidate.id, row.means]));
      const shown = page.candidates.filter((c) =>
        matchesFilter(filterable(c, { parties: page.election.parties, answered: c.status === 'published' }), filter),
      );
      res.render('pages/race', {
        ...raceView({ ...page, candidates: shown }, { locale: res.locals.locale, t: res.locals.t, seed }),
        hiddenByFilters: page.candidates.length - shown.length,
        filters: filterForm({
          action: `/e/${params.election}/races/${params.race}`,
          query: filterQuery,
          filter,
          options: filterOptions({ parties: page.election.parties, values: await profileValues(deps.db, page.election.id), locale: res.locals.locale }),
          keep: { seed: String(seed) },
          t: res.locals.t,
        }),
        matrix: topicMatrixView({ election: page.election, candidates: shown, means, locale: res.locals.locale, t: res.locals.t }),
        embed: embedSnippet({
          baseUrl: deps.config.baseUrl,
          path: `/embed/e/${params.election}/races/${params.race}/matrix`,
          title: res.locals.t('embed.matrixTitle'),
          height: 520,
          t: res.locals.t,
        }),
        oembedHref: oembedHref(deps.config.baseUrl, `/e/${params.election}/races/${params.race}`),
      });
    },
  );

  router.get('/e/:election/candidates/:id', validate('params', CandidateParams), async (_req, res) => {
    const params = parsed(res, 'params', CandidateParams);
    const page = await candidatePage(deps, { election: params.election, candidate: params.id });
    if (!page) throw new NotFoundError();
    const coherence = await candidateCoherence(deps.db, page);
    res.render('pages/candidate', {
      ...candidateView(page, res.locals.locale, res.locals.t),
      coherence: coherence && candidateCoherenceView(coherence, { election: page.election, locale: res.locals.locale, t: res.locals.t }),
      embed: embedSnippet({
        baseUrl: deps.config.baseUrl,
        path: `/embed/e/${params.election}/candidates/${params.id}`,
        title: page.candidate.ballotName,
        height: 320,
        t: res.locals.t,
      }),
      oembedHref: oembedHref(deps.config.baseUrl, `/e/${params.election}/candidates/${params.id}`),
    });
  });

  router.get(
    '/e/:election/statements/:id',
    validate('params', StatementParams),
    validate('query', StatementQuery),
    async (req, res) => {
      const params = parsed(res, 'params', StatementParams);
      const query = parsed(res, 'query', StatementQuery);
      const filterQuery = FilterQuery.parse(req.query);
      const filter = filterFromQuery(filterQuery);
      const seed = query.seed ?? newSeed(deps.random);
      const page = await statementPage(deps, {
        election: params.election,
        statement: params.id,
        race: query.race,
        party: query.party,
        filter,
        random: seededRandom(seed),
      });
      if (!page) throw new NotFoundError();
      res.set('Cache-Control', 'no-cache');
      res.render('pages/statement', {
        ...statementView(page, { locale: res.locals.locale, t: res.locals.t, baseUrl: deps.config.baseUrl, seed }),
        filters: filterForm({
          action: `/e/${params.election}/statements/${params.id}`,
          query: filterQuery,
          filter,
          options: filterOptions({ parties: page.election.parties, values: await profileValues(deps.db, page.election.id), locale: res.locals.locale }),
          keep: { race: query.race },
          t: res.locals.t,
        }),
      });
    },
  );

  router.get('/e/:election/elected', validate('params', ElectionParams), validate('query', ElectedQuery), async (_req, res) => {
    const params = parsed(res, 'params', ElectionParams);
    const query = parsed(res, 'query', ElectedQuery);
    const seed = query.seed ?? newSeed(deps.random);
    const page = await electedPage(deps, { ...params, ...query, random: seededRandom(seed), locale: res.locals.locale });
    if (!page) throw new NotFoundError();
    res.set('Cache-Control', 'no-cache');
    const kept = withQuery(electedPath(params.election), { party: query.party ?? null, sort: query.sort ?? null });
    res.render('pages/elected', {
      ...electedView(page, { locale: res.locals.locale, t: res.locals.t, sort: query.sort, seed }),
      embed: embedSnippet({ baseUrl: deps.config.baseUrl, path: `/embed${kept}`, title: res.locals.t('embed.electedTitle'), height: 520, t: res.locals.t }),
      oembedHref: oembedHref(deps.config.baseUrl, kept),
    });
  });

  router.get(
    '/e/:election/transparency',
    validate('params', ElectionParams),
    validate('query', TransparencyQuery),
    async (_req, res) => {
      const params = parsed(res, 'params', ElectionParams);
      const query = parsed(res, 'query', TransparencyQuery);
      const page = await transparencyPage(deps, { election: params.election, notAnsweredPage: query.np, changesPage: query.cp });
      if (!page) throw new NotFoundError();
      res.render(
        'pages/transparency',
        transparencyView(page, { locale: res.locals.locale, t: res.locals.t, notAnsweredPage: query.np, changesPage: query.cp, pageSize: PAGE_SIZE }),
      );
    },
  );

  return router;
}
