import { Router } from 'express';
import type { AppServices } from '../app.js';

// POST /api/run — placeholder until the request schema lands.
export function runRouter({ broker }: AppServices): Router {
  const router = Router();
  router.post('/api/run', async (req, res) => {
    res.json(await broker.run(req.body));
  });
  return router;
}
