import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps.js';
import { minuteSeed, seededRandom, shuffle, newSeed } from '../../domain/fairness.js';
import { localize } from '../../domain/locale.js';
import type { ReadModel } from '../../read-model/read-model.js';
import { candidatePage } from '../../services/public-pages.js';
import { raceTopicMatrix, statementPage } from '../../services/transparency.js';
import { NotFoundError } from '../errors.js';
import { parsed, validate } from '../middleware/validate.js';
import { CandidateParams, ElectedQuery, ElectionParams, RaceParams, StatementParams, StatementQuery } from '../schemas/public.js';
import { paths } from '../paths.js';
import { statementPath, statementView, topicMatrixView } from '../views/transparency.js';
import { electedPage } from '../../services/coherence.js';
import { electedPath, electedView } from '../views/coherence.js';
import { withQuery } from '../middleware/i18n.js';
import type { KeptResponse } from '../../read-model/kept-response.js';
import { renderToString } from '../render.js';

/**
 * Widgets for other sites (`/embed/…`): their own small layout, framable,
 * no cookies, links opening the full site in a new tab. The embedded quiz
 * lives with the voter's journey (routes/voter.ts).
 */
/** Answers a statement widget lists before linking to the full site. */
const EMBED_ANSWERS = 20;

export function embedRouter(deps: AppDeps & { readModel: ReadModel }): Router {
  const router = Router();
  const layout = { layout: 'embed' };

  // Every reader of an article loads the same widget: within a minute they get the same
  // order (unless the address fixes a seed), so the rendered widget is kept for them.
  router.get('/embed/e/:election/statements/:id', validate('params', StatementParams), validate('query', StatementQuery), async (req, res) => {
    const params = parsed(res, 'params', StatementParams);
    const query = parsed(res, 'query', StatementQuery);
    const seed = query.seed ?? minuteSeed(deps.clock.now());
    res.set('Cache-Control', 'public, max-age=60');
    const render = async () => {
      const page = await statementPage(deps, { election: params.election, statement: params.id, race: query.race, party: query.party, random: seededRandom(seed) });
      if (!page) throw new NotFoundError();
      const view = statementView(page, { locale: res.locals.locale, t: res.locals.t, baseUrl: deps.config.baseUrl, seed });
      // A widget stays small: the first answers in the seeded order, the rest on the full site.
      const answered = view.answers.filter((a) => a.answered);
      const more = answered.length - EMBED_ANSWERS;
      return renderToString(res, 'embed/statement', {
        ...view,
        ...layout,
        siteHref: `${deps.config.baseUrl}${withQuery(statementPath(params.election, params.id), { race: query.race ?? null, party: query.party ?? null, seed: String(seed) })}`,
        answers: answered.slice(0, EMBED_ANSWERS),
        more: more > 0 ? res.locals.t('embed.moreAnswers', { count: more }) : null,
      });
    };
    // A race's snapshot changes whenever its candidates publish: the widget of a race is kept with it.
    const found = query.race === undefined ? null : await deps.readModel.race(params.election, query.race);
    if (!found?.race) {
      res.type('html').send(await render());
      return;
    }
    const langParam = typeof res.locals.langParam === 'string' ? res.locals.langParam : null;
    const variant = { statement: params.id, party: query.party, seed, locale: res.locals.locale, langParam };
    sendKept(req, res, await deps.readModel.statementWidget(found.race, variant, render));
  });

  router.get('/embed/e/:election/candidates/:id', validate('params', CandidateParams), async (_req, res) => {
    const params = parsed(res, 'params', CandidateParams);
    const page = await candidatePage(deps, { election: params.election, candidate: params.id });
    if (!page) throw new NotFoundError();
    const { candidate, election, race } = page;
    const party = election.parties.find((p) => p.id === candidate.partyId);
    const answered = page.answers.filter((a) => a.value !== null).length;
    res.render('embed/candidate', {
      ...layout,
      title: candidate.ballotName,
      siteHref: `${deps.config.baseUrl}${paths.candidate(election.slug, candidate.key)}`,
      candidate: {
        ballotName: candidate.ballotName,
        name: candidate.name,
        ballotNumber: candidate.ballotNumber,
        party: party ? { abbreviation: party.abbreviation, name: party.name } : null,
        race: `${localize(race.office, res.locals.locale)} — ${localize(race.district, res.locals.locale)}`,
        verified: candidate.verified,
        published: candidate.status === 'published',
        answered: res.locals.t('candidate.answeredCount', { answered, total: election.statements.length }),
        bio: candidate.profile.bio,
      },
    });
  });

  router.get('/embed/e/:election/races/:race/matrix', validate('params', RaceParams), async (_req, res) => {
    const params = parsed(res, 'params', RaceParams);
    const matrix = await raceTopicMatrix(deps.readModel, params);
    if (!matrix) throw new NotFoundError();
    const candidates = shuffle(
      matrix.rows.map((row) => row.candidate),
      seededRandom(newSeed(deps.random)),
    );
    const election = matrix.election.detail;
    res.render('embed/matrix', {
      ...layout,
      title: `${res.locals.t('matrix.title')} · ${localize(matrix.race.race.office, res.locals.locale)} — ${localize(matrix.race.race.district, res.locals.locale)}`,
      siteHref: `${deps.config.baseUrl}${paths.race(election.slug, params.race)}`,
      matrix: topicMatrixView({
        election,
        candidates,
        means: new Map(matrix.rows.map((row) => [row.candidate.id, row.means])),
        locale: res.locals.locale,
        t: res.locals.t,
        newTab: true,
      }),
    });
  });

  router.get('/embed/e/:election/elected', validate('params', ElectionParams), validate('query', ElectedQuery), async (_req, res) => {
    const params = parsed(res, 'params', ElectionParams);
    const query = parsed(res, 'query', ElectedQuery);
    const seed = query.seed ?? newSeed(deps.random);
    const page = await electedPage(deps, { ...params, ...query, random: seededRandom(seed), locale: res.locals.locale });
    if (!page) throw new NotFoundError();
    const view = electedView(page, { locale: res.locals.locale, t: res.locals.t, sort: query.sort, seed });
    res.render('embed/elected', {
      ...layout,
      title: `${res.locals.t('embed.electedTitle')} · ${view.election.name}${page.party ? ` · ${page.party.abbreviation}` : ''}`,
      siteHref: `${deps.config.baseUrl}${withQuery(electedPath(params.election), { party: query.party ?? null, sort: query.sort ?? null })}`,
      rows: view.rows.map((row) => ({ ...row, siteHref: `${deps.config.baseUrl}${row.coherenceHref}` })),
    });
  });

  return router;
}

/**
 * Sends a kept response, gzipped for a reader that accepts it (the compression
 * middleware leaves an encoded body alone); Express answers 304 when the
 * reader already has it.
 */
function sendKept(req: Request, res: Response, cached: KeptResponse): void {
  res.type('html').set('ETag', cached.etag).vary('Accept-Encoding');
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') res.set('Content-Encoding', 'gzip').send(cached.gzip);
  else res.send(cached.body);
}
