// A per-client token bucket for the endpoints that publish (a class of 60
// shares one broker; one curious student must not flood it). Over the limit:
// 429 with a clear message and Retry-After.
import type { RequestHandler } from 'express';

export interface RateLimitOptions {
  /** Sustained requests per second per client. */
  perSecond: number;
  /** Short bursts allowed above the sustained rate. */
  burst: number;
}

export function rateLimit({ perSecond, burst }: RateLimitOptions): RequestHandler {
  const buckets = new Map<string, { tokens: number; at: number }>();
  // Forget idle clients so the map cannot grow without bound.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, bucket] of buckets) if (now - bucket.at > 60_000) buckets.delete(key);
  }, 30_000);
  sweep.unref();

  return (req, res, next) => {
    const key = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const now = Date.now();
    const bucket = buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const wait = Math.ceil((1 - bucket.tokens) / perSecond);
      res.setHeader('Retry-After', String(wait));
      res
        .status(429)
        .json({ error: { message: `too many requests: at most ${perSecond} per second (bursts of ${burst}); retry in ${wait} s` } });
      return;
    }
    bucket.tokens -= 1;
    next();
  };
}
