// GET /healthz: 200 "ok" when the broker serves; 503 "blocked" while
// RabbitMQ's memory or disk alarm refuses publishes, 503 "unreachable" when
// the connection is down or has gone silent (heartbeats missed).
import type { RequestHandler } from 'express';
import type { Broker } from '../../broker/broker.js';

export function healthHandler(broker: Broker): RequestHandler {
  return (_req, res) => {
    const status = broker.status();
    const word = status.connected ? 'ok' : status.state === 'blocked' ? 'blocked' : 'unreachable';
    res.status(status.connected ? 200 : 503).json({ status: word, broker: status });
  };
}
