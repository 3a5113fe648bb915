// The sandbox: GET /sandbox (the page) and its API under /api/sandbox —
// import a definitions file, export definitions + amqplib code, encode/open
// share links, save as a scenario file, and run: POST /api/sandbox/run takes
// POST /api/run's body and answers its outcome, but a refused declaration
// does not end the run — it is left out and listed in `refusals`, each with
// its reply code and a reason + parameters the page words in its language
// (engine/refusal-reason.ts), so one typo stays local to its entity.
//
// Its API reads bodies itself (sandboxBody, not the app's JSON parser): a
// definitions file may arrive as text/plain (a paste, an upload) or as
// application/json (curl --data-binary @defs.json), and a file over 1 MB is
// a 400 naming the limit, like every other refusal of a bad file.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z, ZodError } from 'zod';
import type { Broker } from '../../broker/broker.js';
import { HttpError, zodToHttpError } from '../errors.js';
import { worded } from '../../i18n/worded-error.js';
import { parseRunRequest } from '../run-schema.js';
import { wordsWithPrefix, type Lang } from '../i18n/index.js';
import { refusalReason } from '../../engine/refusal-reason.js';
import { amqplibCode } from '../../sandbox/amqplib-code.js';
import { exportDefinitions } from '../../sandbox/export-definitions.js';
import { SandboxInputError } from '../../sandbox/import-error.js';
import { importDefinitions } from '../../sandbox/import-definitions.js';
import { MAX_BODY_BYTES, MAX_LINK_CHARS } from '../../sandbox/limits.js';
import { parseJsonText } from '../../sandbox/parse-json-text.js';
import { normalizeState, parseWith, sandboxStateShape } from '../../sandbox/sandbox-state.js';
import { saveAsScenario } from '../../sandbox/save-scenario.js';
import { decodeShareLink, encodeShareLink, linkStateSchema } from '../../sandbox/share-link.js';
// The diagram and the why panel are the scenario pages' own modules, with their words.

const readText = express.text({ type: () => true, limit: MAX_BODY_BYTES });

/** The raw body as text, whatever its content type; over 1 MB → 400. */
export function sandboxBody(req: Request, res: Response, next: NextFunction): void {
  readText(req, res, (err?: { type?: string; message?: string }) => {
    if (!err) return next();
    if (err.type === 'entity.too.large') return next(new HttpError(400, worded('error.body.too-large', { max: MAX_BODY_BYTES })));
    next(new HttpError(400, worded('error.body.unreadable', { detail: err.message ?? '' })));
  });
}

const bodyText = (req: Request) => (typeof req.body === 'string' ? req.body : '');

/** SandboxInputError → 400 naming the path; anything else goes to the app's error handler. */
function handle(fn: (req: Request, res: Response) => Promise<void> | void) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await fn(req, res);
    } catch (err) {
      next(err instanceof SandboxInputError ? new HttpError(400, err.wording, err.path, err.limit) : err);
    }
  };
}

const exportBody = z.object({ ...sandboxStateShape, vhost: z.string().max(255).nullable().optional() }).strict();
const linkOpenBody = z.object({ link: z.string().max(MAX_LINK_CHARS + 10) }).strict();
const scenarioBody = z
  .object({
    ...sandboxStateShape,
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).optional(),
    id: z.string().max(60).optional(),
  })
  .strict();

export function sandboxHandlers(broker: Broker) {
  const run = handle(async (req, res) => {
    const body = parseJsonText(bodyText(req), 'error.what.body');
    let request;
    try {
      request = parseRunRequest(body);
    } catch (err) {
      throw err instanceof ZodError ? zodToHttpError(err, body) : err;
    }
    const outcome = await broker.run(request, { onRefusal: 'skip' });
    // A refused publish gets its reason too (the trace's error is worded as RabbitMQ words it).
    for (const trace of outcome.traces ?? []) if (trace.error) Object.assign(trace.error, refusalReason(trace.error));
    res.json(outcome);
  });

  const importFile = handle((req, res) => {
    const vhost = typeof req.query.vhost === 'string' ? req.query.vhost : undefined;
    res.json(importDefinitions(bodyText(req), { vhost }));
  });

  const exportFiles = handle((req, res) => {
    const body = parseWith(exportBody, parseJsonText(bodyText(req), 'error.what.body'));
    const state = normalizeState(body);
    res.json({
      definitions: exportDefinitions(state.topology, body.vhost === undefined ? '/' : body.vhost),
      definitions_filename: 'definitions.json',
      code: amqplibCode(state.topology, state.messages),
      code_filename: 'topology.mjs',
    });
  });

  const link = handle((req, res) => {
    const body = parseWith(linkStateSchema, parseJsonText(bodyText(req), 'error.what.body'));
    res.json({ link: encodeShareLink({ ...normalizeState(body), ...(body.selected !== undefined && { selected: body.selected }) }) });
  });

  const openLink = handle((req, res) => {
    const { link } = parseWith(linkOpenBody, parseJsonText(bodyText(req), 'error.what.body'));
    res.json(decodeShareLink(link));
  });

  const saveScenario = handle(async (req, res) => {
    const body = parseWith(scenarioBody, parseJsonText(bodyText(req), 'error.what.body'));
    const saved = await saveAsScenario(broker, normalizeState(body), {
      title: body.title,
      ...(body.description && { description: body.description }),
      ...(body.id !== undefined && { id: body.id }),
    });
    res.json(saved);
  });

  return { run, importFile, exportFiles, link, openLink, saveScenario };
}

export const sandboxPage: RequestHandler = (_req, res) => {
  const lang = res.locals.lang as Lang;
  res.render('sandbox', {
    title: (res.locals.t as (k: string) => string)('sandbox.title'),
    words: JSON.stringify({ ...wordsWithPrefix(lang, 'sandbox.'), ...wordsWithPrefix(lang, 'scenario.js.') }),
    styles: ['/static/css/scenario.css', '/static/css/sandbox.css', '/static/css/diagram-tools.css'],
    scripts: ['/static/js/sandbox.js'],
  });
};
