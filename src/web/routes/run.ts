// POST /api/run: a topology and messages in, the broker's outcome out.
// 200 for any broker outcome (a refused declaration is an outcome); 400 for a
// malformed body or a limit exceeded (run-schema.ts); 503 when the broker is
// away (errors.ts).
import type { RequestHandler } from 'express';
import type { Broker } from '../../broker/broker.js';
import { parseRunRequest } from '../run-schema.js';

export function runHandler(broker: Broker): RequestHandler {
  return async (req, res) => {
    const request = parseRunRequest(req.body);
    res.json(await broker.run(request));
  };
}
