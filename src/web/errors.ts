// Every error becomes one JSON shape, mapped to HTTP in this one place:
// {"error": {"message", "path"?}}, the message in the asker's language
// (?lang=, else Accept-Language). Never a stack trace, never user text as HTML.
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { BrokerUnavailableError } from '../broker/amqp-connection.js';
import type { Logger } from 'pino';
import type { LimitExceeded } from '../limits.js';
import { formatPath } from '../util/format-path.js';
import { limitExceeded } from '../util/limit-exceeded.js';
import { pickLang, translator } from './i18n/index.js';
import { worded, WordedError, type Wording } from '../i18n/worded-error.js';
import { issueText } from '../util/issue-words.js';
import { invalidJson } from '../sandbox/parse-json-text.js';

/**
 * An error meant for the client, with its HTTP status, worded in the asker's
 * language where it is answered; `limit`: a count over the limits table
 * (→ code "limit" and its params, for the page's own words).
 */
export class HttpError extends WordedError {
  constructor(
    readonly status: number,
    wording: Wording | string,
    readonly path?: string,
    readonly limit?: LimitExceeded,
  ) {
    super(typeof wording === 'string' ? () => wording : wording);
  }
}

/** The first issue, as "definitions.queues[0].name: must be a string, not the number 3". */
export function zodToHttpError(err: ZodError, input?: unknown): HttpError {
  const issue = err.issues[0];
  const path = formatPath(issue.path);
  return new HttpError(
    400,
    (t) => (path ? t('error.at', { path, problem: issueText(input, issue, t) }) : issueText(input, issue, t)),
    path || undefined,
    limitExceeded(issue, input) ?? undefined,
  );
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown, req, res, _next) => {
    // body-parser's errors carry type/limit/status beside Error's fields.
    const err = thrown as (Error & { type?: string; limit?: number; status?: unknown }) | undefined;
    // Worded in the asker's language (pages send ?lang=).
    const t = translator(pickLang(req.query.lang, req.headers['accept-language']));
    let httpError: HttpError;
    if (err instanceof HttpError) httpError = err;
    else if (err instanceof ZodError) httpError = zodToHttpError(err, req.body);
    else if (err instanceof BrokerUnavailableError) {
      // An alarm, a silent network, an operation past its bound: with the code for scripts.
      if (err.fault !== 'unreachable') {
        if (!res.headersSent)
          res.status(503).json({ error: { message: t(`broker.error.${err.fault}`, err.params), code: `broker.${err.fault}` } });
        return;
      }
      // The cause (the address, the socket's error) stays in the broker's words, after ours.
      httpError = new HttpError(503, worded('broker.error.unreachable', { detail: err.message }));
    } else if (err?.type === 'entity.too.large') httpError = new HttpError(413, worded('error.body.too-large', { max: err.limit ?? 0 }));
    else if (err?.type === 'entity.parse.failed') httpError = new HttpError(400, invalidJson(err, 'error.what.body'));
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500)
      httpError = new HttpError(err.status, String(err.message));
    else {
      logger.error({ err, reqId: (req as { id?: string }).id }, 'unexpected error');
      httpError = new HttpError(500, worded('error.internal'));
    }
    if (res.headersSent) return;
    const body: { message: string; path?: string; code?: 'limit'; params?: LimitExceeded } = { message: httpError.wording(t) };
    if (httpError.path !== undefined) body.path = httpError.path;
    if (httpError.limit) Object.assign(body, { code: 'limit', params: httpError.limit });
    res.status(httpError.status).json({ error: body });
  };
}
