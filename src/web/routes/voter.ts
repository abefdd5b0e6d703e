import { Router, type Request } from 'express';
import type { AppDeps } from '../../deps.js';
import type { ReadModel } from '../../read-model/read-model.js';
import type { ElectionSnapshot } from '../../read-model/snapshots.js';
import { decodeResultStrings, encodeResultStrings, matchVoter, type VoterInputError } from '../../services/matching.js';
import { candidatesByKeys, comparison } from '../../services/public-pages.js';
import type { VoterAnswers } from '../../domain/matching.js';
import { NotFoundError } from '../errors.js';
import { privatePage, renderPrivate, renderPrivateWithRows } from '../render.js';
import { languageLinks, withQuery } from '../middleware/i18n.js';
import { parsed, validate } from '../middleware/validate.js';
import { ElectionParams, FilterQuery, filterFromQuery } from '../schemas/public.js';
import { filterForm } from '../views/filters.js';
import { CardQuery, CompareQuery, ResultsQuery } from '../schemas/voter.js';
import { cardView, compareView, quizView, resultsView } from '../views/voter.js';

/**
 * The voter's journey: questionnaire, results, comparison, methodology.
 * Answers live only in the URL: these pages set no cookies, are not cached,
 * send no referrer, and their query strings are never logged (see app.ts).
 */
export function voterRouter(deps: AppDeps & { readModel: ReadModel }): Router {
  const router = Router();
  router.get('/methodology', (_req, res) => {
    res.render('pages/methodology', { title: res.locals.t('methodology.title') });
  });

  /** The questionnaire and its results, on the site and (prefix `/embed`) inside an embed. */
  const journey = (prefix: '' | '/embed', layout: { layout?: string }) => {
    router.get(`${prefix}/e/:election/quiz`, validate('params', ElectionParams), async (req, res) => {
      privatePage(res);
      const params = parsed(res, 'params', ElectionParams);
      const election = await deps.readModel.election(params.election);
      if (!election) throw new NotFoundError();
      // A link back from the results brings the voter's answers to change them.
      const query = ResultsQuery.safeParse(req.query);
      const previous =
        query.success && query.data.a !== undefined ? decodeResultStrings(election, { a: query.data.a, w: query.data.w }) : null;
      await renderPrivate(res, 'pages/quiz', {
        ...quizView(election, {
          locale: res.locals.locale,
          t: res.locals.t,
          race: query.success ? query.data.race : undefined,
          voter: previous && previous.errors.length === 0 ? previous.voter : null,
          errors: [],
          prefix,
        }),
        ...layout,
      });
    });

    router.get(`${prefix}/e/:election/results`, validate('params', ElectionParams), async (req, res) => {
      privatePage(res);
      const params = parsed(res, 'params', ElectionParams);
      const election = await deps.readModel.election(params.election);
      if (!election) throw new NotFoundError();

      // The questionnaire form sends one field per statement: turn it into the short, shareable URL.
      if (Object.keys(req.query).some((key) => key.startsWith('v_'))) {
        const voter = voterFromForm(election, req.query as Record<string, unknown>);
        const { a, w } = encodeResultStrings(voter);
        const race = typeof req.query.race === 'string' && req.query.race !== '' ? req.query.race : null;
        const target = withQuery(`${prefix}/e/${encodeURIComponent(params.election)}/results`, {
          race,
          a,
          w,
          lang: typeof res.locals.langParam === 'string' ? res.locals.langParam : null,
        });
        res.redirect(303, target);
        return;
      }

      const query = ResultsQuery.safeParse(req.query);
      const quizAgain = (
        errors: VoterInputError[],
        voter: VoterAnswers | null,
        race: string | undefined,
        tooFew?: { counted: number; required: number },
      ) => renderPrivate(res.status(400), 'pages/quiz', { ...quizView(election, { locale: res.locals.locale, t: res.locals.t, race, voter, errors, tooFew, prefix }), ...layout });
      if (!query.success) {
        await quizAgain([{ field: 'a', code: 'bad_character', params: {} }], null, undefined);
        return;
      }
      if (query.data.a === undefined) {
        res.redirect(303, withQuery(`${prefix}/e/${encodeURIComponent(params.election)}/quiz`, { race: query.data.race ?? null }));
        return;
      }
      const { a, w } = query.data;
      const method = query.data.m ?? 'cityblock';
      const missing = query.data.miss ?? 'penalty';
      const result = await matchVoter(deps.readModel, {
        election: params.election,
        race: query.data.race,
        decode: (snapshot) => decodeResultStrings(snapshot, { a, w }),
        settings: { method, missing, seed: query.data.seed },
        random: deps.random,
      });
      if (result.kind === 'no_election') throw new NotFoundError();
      if (result.kind === 'invalid') {
        await quizAgain(result.errors, result.voter, query.data.race);
        return;
      }
      if (!result.outcome.ok) {
        await quizAgain([], result.voter, result.race.race.slug, result.outcome);
        return;
      }
      const filterQuery = FilterQuery.parse(req.query);
      const filter = filterFromQuery(filterQuery);
      const langParam = typeof res.locals.langParam === 'string' ? res.locals.langParam : null;
      const { ranking, ...view } = resultsView(result, {
        locale: res.locals.locale,
        t: res.locals.t,
        method,
        missing,
        filter,
        showAll: req.query.all === '1',
        showAllHref: withQuery(req.originalUrl, { all: '1', lang: null }),
        // Shared links lead to the full site, also from inside an embed.
        shareUrl: `${deps.config.baseUrl}${shareablePath(req).slice(prefix.length)}`,
        prefix,
        langParam,
        rowParts: deps.readModel.rowParts(result.race, { locale: res.locals.locale, langParam, embedded: prefix === '/embed' }),
      });
      const filters = filterForm({
        action: `${prefix}/e/${params.election}/results`,
        query: filterQuery,
        filter,
        options: deps.readModel.filterOptions(result.race, res.locals.locale),
        keep: { race: result.race.race.slug, a, w, m: query.data.m, miss: query.data.miss },
        t: res.locals.t,
      });
      const languages = languageLinks(req.originalUrl, res.locals.locale);
      await renderPrivateWithRows(res, 'pages/results', { filters, ...view, ranking: { slot: ranking.slot }, languages, ...layout }, ranking.rows);
    });
  };
  journey('', {});
  journey('/embed', { layout: 'embed' });

  router.get('/e/:election/compare', validate('params', ElectionParams), async (req, res) => {
    privatePage(res);
    const params = parsed(res, 'params', ElectionParams);
    const election = await deps.readModel.election(params.election);
    if (!election) throw new NotFoundError();
    const query = CompareQuery.safeParse(req.query);
    if (!query.success) throw new NotFoundError();
    const candidates = await comparison(deps.db, { electionId: election.detail.id, keys: query.data.c });
    if (!candidates) throw new NotFoundError();
    const decoded = query.data.a === undefined ? null : decodeResultStrings(election, { a: query.data.a, w: query.data.w });
    await renderPrivate(
      res,
      'pages/compare',
      compareView(election, {
        locale: res.locals.locale,
        t: res.locals.t,
        candidates,
        voter: decoded && decoded.errors.length === 0 ? decoded.voter : null,
        backToResults:
          query.data.a === undefined
            ? null
            : withQuery(`/e/${encodeURIComponent(params.election)}/results`, {
                race: query.data.race ?? null,
                a: query.data.a,
                w: query.data.w ?? null,
              }),
      }),
    );
  });

  // The ballot-number card ("colinha"): the numbers a voter takes to the ballot box, all in the URL.
  router.get('/e/:election/card', validate('params', ElectionParams), async (req, res) => {
    privatePage(res);
    const params = parsed(res, 'params', ElectionParams);
    const election = await deps.readModel.election(params.election);
    if (!election) throw new NotFoundError();
    const query = CardQuery.safeParse(req.query);
    const keys = query.success ? query.data.c : [];
    const candidates = await candidatesByKeys(deps.db, { electionId: election.detail.id, keys });
    await renderPrivate(res, 'pages/card', cardView(election.detail, { candidates, keys, locale: res.locals.locale, t: res.locals.t }));
  });

  return router;
}

/** The voter's answers from the questionnaire form's fields `v_<statement>` and `w_<statement>`. */
function voterFromForm(election: ElectionSnapshot, query: Record<string, unknown>): VoterAnswers {
  const count = election.detail.statements.length;
  const values = new Uint8Array(count);
  const weights = new Uint8Array(count).fill(1);
  election.detail.statements.forEach((statement, s) => {
    const value = Number(query[`v_${statement.key}`]);
    if (Number.isInteger(value) && value >= 1 && value <= election.questionnaire.scales[s]!) values[s] = value;
    const weight = Number(query[`w_${statement.key}`]);
    if (weight === 0 || weight === 2) weights[s] = weight;
  });
  return { values, weights };
}

/** The results path without the page language, so whoever opens a shared link reads it in theirs. */
function shareablePath(req: Request): string {
  return withQuery(req.originalUrl, { lang: null, seed: null });
}
