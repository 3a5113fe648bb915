// Every error becomes one JSON shape, mapped to HTTP in this one place:
// {"error": {"message", "path"?}}. Never a stack trace, never user text as HTML.
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { BrokerUnavailableError } from '../broker/amqp-connection.js';
import type { Logger } from 'pino';
import type { LimitExceeded } from '../limits.js';
import { formatPath } from '../util/format-path.js';
import { limitExceeded } from '../util/limit-exceeded.js';
import { pickLang, translator } from './i18n/index.js';

/** An error meant for the client, with its HTTP status; `limit`: a count over the limits table (→ code "limit"). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path?: string,
    readonly limit?: LimitExceeded,
  ) {
    super(message);
  }
}

export function zodToHttpError(err: ZodError, input?: unknown): HttpError {
  const issue = err.issues[0];
  const path = formatPath(issue.path);
  return new HttpError(
    400,
    path ? `${path}: ${issue.message}` : issue.message,
    path || undefined,
    limitExceeded(issue, input) ?? undefined,
  );
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown, req, res, _next) => {
    // body-parser's errors carry type/limit/status beside Error's fields.
    const err = thrown as (Error & { type?: string; limit?: number; status?: unknown }) | undefined;
    let httpError: HttpError;
    if (err instanceof HttpError) httpError = err;
    else if (err instanceof ZodError) httpError = zodToHttpError(err, req.body);
    else if (err instanceof BrokerUnavailableError) {
      // An alarm, a silent network, an operation past its bound: worded in
      // the asker's language (pages send ?lang=), with the code for scripts.
      if (err.fault !== 'unreachable') {
        const t = translator(pickLang(req.query.lang, req.headers['accept-language']));
        if (!res.headersSent)
          res.status(503).json({ error: { message: t(`broker.error.${err.fault}`, err.params), code: `broker.${err.fault}` } });
        return;
      }
      httpError = new HttpError(503, err.message);
    } else if (err?.type === 'entity.too.large') httpError = new HttpError(413, `request body too large (limit ${err.limit} bytes)`);
    else if (err?.type === 'entity.parse.failed') httpError = new HttpError(400, `request body is not valid JSON: ${err.message}`);
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500)
      httpError = new HttpError(err.status, String(err.message));
    else {
      logger.error({ err, reqId: (req as { id?: string }).id }, 'unexpected error');
      httpError = new HttpError(500, 'internal error');
    }
    if (res.headersSent) return;
    const body: { message: string; path?: string; code?: 'limit'; params?: LimitExceeded } = { message: httpError.message };
    if (httpError.path !== undefined) body.path = httpError.path;
    if (httpError.limit) Object.assign(body, { code: 'limit', params: httpError.limit });
    res.status(httpError.status).json({ error: body });
  };
}
