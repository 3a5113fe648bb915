import { Router } from 'express';
import type { AppServices } from '../app.js';

export function healthRouter({ broker }: AppServices): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const status = broker.status();
    res.status(status.connected ? 200 : 503).json({ status: status.connected ? 'ok' : 'degraded', broker: status });
  });
  return router;
}
