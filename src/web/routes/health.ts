import { Router } from 'express';
import { sql } from 'kysely';
import type { AppDeps } from '../../deps.js';

/** `/healthz`: the process is up and the database answers. */
export function healthRouter(deps: Pick<AppDeps, 'db' | 'logger'>): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      await sql`select 1`.execute(deps.db);
      res.json({ status: 'ok', database: 'ok' });
    } catch (error) {
      deps.logger.error({ err: error }, 'health check: database unavailable');
      res.status(503).json({ status: 'error', database: 'unavailable' });
    }
  });
  return router;
}
