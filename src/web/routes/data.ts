import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { allElections } from '../../services/elections.js';
import { localize } from '../../domain/locale.js';
import type { ReadModel } from '../../read-model/read-model.js';
import { exportElectionPackage, packageText } from '../../services/election-packages.js';
import { CSV_COLUMNS, CSV_NUMERIC_COLUMNS, csvRows } from '../../services/open-data.js';
import { electionCandidate } from '../../services/public-pages.js';
import { electionCoherence } from '../../services/coherence.js';
import { COHERENCE_CSV_COLUMNS, COHERENCE_CSV_NUMERIC_COLUMNS, coherenceCsvRows } from '../../services/coherence-data.js';
import { spreadsheetSafeRow } from '../../formats/csv-cells.js';
import { AppError, NotFoundError } from '../errors.js';
import { Slug } from '../schemas/ids.js';
import { embedSnippet } from '../views/transparency.js';
import { translate } from '../../i18n.js';

const ElectionFile = z.object({ election: Slug });
const DataFile = z.object({ file: z.templateLiteral([Slug, '.', z.enum(['csv', 'json'])]) });

const OembedQuery = z.object({
  url: z.url(),
  maxwidth: z.coerce.number().int().min(50).max(5000).optional(),
  maxheight: z.coerce.number().int().min(50).max(20000).optional(),
  format: z.string().optional(),
});

/**
 * Open data: the `/data` page (downloads and API documentation), the CSV and
 * package downloads of each election (SPEC §6.3), and the oEmbed provider.
 */
export function dataRouter(deps: AppDeps & { readModel: ReadModel }): Router {
  const router = Router();

  router.get('/data', async (_req, res) => {
    const elections = await allElections(deps.db);
    res.render('pages/data', {
      title: res.locals.t('data.title'),
      license: deps.config.dataLicense,
      baseUrl: deps.config.baseUrl,
      elections: elections.map((e) => ({
        name: localize(e.name, res.locals.locale),
        slug: e.slug,
        csv: `/data/${e.slug}.csv`,
        coherenceCsv: `/data/${e.slug}-coherence.csv`,
        json: `/data/${e.slug}.json`,
      })),
    });
  });

  // Promise coherence, one row per elected candidate × link. An election whose own slug ends in
  // "-coherence" still has its answers at /data/<slug>.csv: without a match here the request falls through.
  router.get('/data/:election-coherence.csv', async (req, res, next) => {
    const params = ElectionFile.safeParse(req.params);
    const coherence = params.success ? await electionCoherence(deps, params.data.election) : null;
    if (!coherence) return next();
    res.set('Cache-Control', 'public, max-age=300');
    res.set('Access-Control-Allow-Origin', '*');
    await sendCsv(res, { filename: `${coherence.election.slug}-coherence.csv`, columns: COHERENCE_CSV_COLUMNS, numeric: COHERENCE_CSV_NUMERIC_COLUMNS, rows: coherenceCsvRows(coherence) });
  });

  router.get('/data/:file', async (req, res) => {
    const params = DataFile.safeParse(req.params);
    if (!params.success) throw new NotFoundError();
    const [, slug, kind] = /^(.+)\.(csv|json)$/.exec(params.data.file)!;
    const election = await deps.readModel.detail(slug!);
    if (!election) throw new NotFoundError();
    res.set('Cache-Control', 'public, max-age=300');
    res.set('Access-Control-Allow-Origin', '*');
    if (kind === 'json') {
      const pkg = await exportElectionPackage(deps, election.slug);
      res.type('application/json').set('Content-Disposition', `inline; filename="${election.slug}.json"`).send(packageText(pkg!));
      return;
    }
    // Streamed a race at a time: a national election does not have to fit in memory.
    await sendCsv(res, { filename: `${election.slug}.csv`, columns: CSV_COLUMNS, numeric: CSV_NUMERIC_COLUMNS, rows: csvRows(deps.db, election) });
  });

  router.get('/oembed', async (req, res) => {
    res.set('Access-Control-Allow-Origin', '*');
    const query = OembedQuery.safeParse(req.query);
    if (!query.success) throw new AppError(400, 'bad_request', 'error.badRequest');
    // The oEmbed specification's answer to a format the provider does not write (an empty one means the default, JSON).
    if (query.data.format !== undefined && query.data.format !== '' && query.data.format !== 'json') {
      throw new AppError(501, 'format_not_supported', 'oembed.jsonOnly');
    }
    const target = await embeddable(deps, query.data.url);
    if (!target) throw new NotFoundError();
    const width = Math.min(query.data.maxwidth ?? 600, 600);
    const height = Math.min(query.data.maxheight ?? target.height, target.height);
    const snippet = embedSnippet({ baseUrl: deps.config.baseUrl, path: target.path, title: target.title, height, t: res.locals.t });
    res.set('Cache-Control', 'public, max-age=300');
    res.json({
      version: '1.0',
      type: 'rich',
      title: target.title,
      provider_name: 'Concordo',
      provider_url: `${deps.config.baseUrl}/`,
      html: snippet.code.replace('width="100%"', `width="${width}"`),
      width,
      height,
      cache_age: 300,
    });
  });

  return router;
}

/**
 * Streams rows as a CSV download (UTF-8, header row), waiting whenever the
 * client reads slower than rows come. Text cells a spreadsheet would run as
 * a formula are neutralised (formats/csv-cells.ts); `numeric` names the
 * columns of numbers, which stay numbers.
 */
async function sendCsv<C extends string>(
  res: Response,
  input: { filename: string; columns: readonly C[]; numeric: ReadonlySet<C>; rows: Iterable<Record<C, string>> | AsyncIterable<Record<C, string>> },
): Promise<void> {
  res.type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${input.filename}"`);
  const csv = stringify({ header: true, columns: [...input.columns] });
  csv.pipe(res);
  for await (const row of input.rows) {
    if (!csv.write(spreadsheetSafeRow(row, input.numeric))) await once(csv, 'drain');
  }
  csv.end();
}

/** The embed behind a page or embed URL of this site, or null when there is none. */
async function embeddable(
  deps: AppDeps & { readModel: ReadModel },
  raw: string,
): Promise<{ path: string; title: string; height: number } | null> {
  const url = new URL(raw);
  const base = new URL(deps.config.baseUrl);
  if (url.origin !== base.origin) return null;
  const path = url.pathname.replace(/^\/embed(?=\/)/, '');
  const match = /^\/e\/([a-z0-9_-]+)(?:\/(quiz|statements|candidates|races|elected)(?:\/([A-Za-z0-9._-]+)(\/matrix)?)?)?$/.exec(path);
  if (!match) return null;
  const [, slug, kind, id, matrix] = match;
  const election = await deps.readModel.election(slug!);
  if (!election) return null;
  const name = localize(election.detail.name, 'pt-BR');
  const keep = (params: string[]) => {
    const kept = new URLSearchParams();
    for (const p of params) {
      const value = url.searchParams.get(p);
      if (value) kept.set(p, value);
    }
    const query = kept.toString();
    return query ? `?${query}` : '';
  };
  if (kind === undefined || (kind === 'quiz' && id === undefined)) {
    return { path: `/embed/e/${slug}/quiz${keep(['race', 'lang'])}`, title: name, height: 900 };
  }
  if (kind === 'statements' && id && !matrix) {
    const statement = election.detail.statements.find((s) => s.key === id);
    return statement ? { path: `/embed/e/${slug}/statements/${id}${keep(['race', 'party', 'lang'])}`, title: `${name} · ${id}`, height: 640 } : null;
  }
  if (kind === 'candidates' && id && !matrix) {
    const candidate = await electionCandidate(deps.db, { electionId: election.detail.id, candidate: id });
    return candidate ? { path: `/embed/e/${slug}/candidates/${id}${keep(['lang'])}`, title: `${name} · ${candidate.ballotName}`, height: 320 } : null;
  }
  if (kind === 'elected' && id === undefined) {
    return { path: `/embed/e/${slug}/elected${keep(['party', 'sort', 'lang'])}`, title: `${name} · ${translate('pt-BR', 'embed.electedTitle')}`, height: 520 };
  }
  if (kind === 'races' && id) {
    const race = election.detail.races.find((r) => r.slug === id);
    return race ? { path: `/embed/e/${slug}/races/${id}/matrix${keep(['lang'])}`, title: `${name} · ${id}`, height: 520 } : null;
  }
  return null;
}
