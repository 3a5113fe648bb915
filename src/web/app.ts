// Builds the Express app from its services; does not listen (server.ts does).
// Every path is listed here, in one table, with its middleware and its
// handler (routes/*.ts hold the handlers, as Express's route-separation
// example does). Tests call createApp({ broker }) with whichever broker they
// want.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import express from 'express';
import helmet from 'helmet';
import pino, { type Logger } from 'pino';
import type { AmqpConnection } from '../broker/amqp-connection.js';
import type { Broker } from '../broker/broker.js';
import type { ChatHub } from '../chat/chat-hub.js';
import type { ClassHub } from '../classroom/class-hub.js';
import { errorHandler, HttpError } from './errors.js';
import { rateLimit } from './rate-limit.js';
import { otherLangHref, pickLang, translator } from './i18n/index.js';
import { worded } from '../i18n/worded-error.js';
import { AMQP_VOCABULARY, AMQP_VOCABULARY_JSON } from '../amqp/vocabulary.js';
import { healthHandler } from './routes/health.js';
import { runHandler } from './routes/run.js';
import { chatHandlers } from './routes/chat.js';
import { classHandlers } from './routes/class.js';
import { sandboxBody, sandboxHandlers, sandboxPage } from './routes/sandbox.js';
import { scenarioHandlers } from './routes/scenarios.js';
import { livePageHandler, type LivePageServices } from './routes/live.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AppServices {
  broker: Broker;
  /** The app's AMQP connection to its broker (RabbitMQ's, or the embedded broker's own port): consumer scenarios play real consumers on it. */
  connection?: AmqpConnection | null;
  logger?: Logger;
  /** Publishing requests per second per client (default 20, bursts of 40). */
  rateLimit?: { perSecond: number; burst: number };
  /** The chat (/chat); absent, the app has no chat. */
  chat?: ChatHub;
  /** Classroom mode (/class/new, /join); absent, the app has none. */
  classes?: ClassHub;
  /** PUBLIC_URL: where students reach this server (the class's join link). */
  publicUrl?: string;
  /** The live view (/live) of programs connected through the listener or the relay; absent, no /live. */
  live?: LivePageServices;
}

export function createApp(services: AppServices): express.Express {
  const logger = services.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const app = express();
  app.disable('x-powered-by');
  app.set('view engine', 'ejs');
  app.set('views', path.join(root, 'views'));

  app.use((req, res, next) => {
    const id = randomUUID();
    (req as { id?: string }).id = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings may carry user text.
      logger.info({ reqId: id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
      // Students reach the server over plain HTTP at a LAN address, where the
      // browser ignores COOP and says so in every page's console: not sent
      // (the pages open no other window, so it protected nothing here).
      crossOriginOpenerPolicy: false,
    }),
  );
  app.use('/static', express.static(path.join(root, 'public'), { maxAge: '1h' }));
  app.use('/static/vendor/chart.umd.min.js', (_req, res) => res.sendFile(path.join(root, 'node_modules/chart.js/dist/chart.umd.min.js')));

  // AMQP's names, the same for every page (src/amqp/vocabulary.ts).
  app.locals.amqpVocabulary = AMQP_VOCABULARY_JSON;
  app.locals.exchangeTypes = AMQP_VOCABULARY.exchangeTypes;
  // Every page knows its language, its words and the broker in use.
  app.use((req, res, next) => {
    const lang = pickLang(req.query.lang, req.get('accept-language'));
    res.locals.lang = lang;
    res.locals.t = translator(lang);
    res.locals.broker = services.broker.status();
    res.locals.path = req.path;
    res.locals.langSwitchHref = otherLangHref(req.originalUrl, lang);
    res.locals.liveNav = Boolean(services.live);
    res.locals.classNav = Boolean(services.classes);
    next();
  });

  // Every path, its middleware and its handler; each handler gets the services it uses, no more.
  // Every POST under /api publishes or declares something on the broker, and
  // so does a scenario's play (a GET): limited before the body is even read.
  const limited = rateLimit(services.rateLimit ?? { perSecond: 20, burst: 40 });
  const json = express.json({ limit: '1mb' });
  // The sandbox reads its own bodies (text or JSON; a file over 1 MB is a 400 that names the limit).
  const sandboxed = [limited, sandboxBody];

  app.get('/healthz', healthHandler(services.broker));
  app.post('/api/run', limited, json, runHandler(services.broker));

  const scenarios = scenarioHandlers({ broker: services.broker, connection: services.connection });
  app.get('/', scenarios.home);
  app.get('/scenarios/:id', scenarios.page);
  app.get('/api/scenarios', scenarios.list);
  app.get('/api/scenarios/:id', scenarios.one);
  app.get('/api/scenarios/:id/play', limited, scenarios.play);

  const sandbox = sandboxHandlers(services.broker);
  app.get('/sandbox', sandboxPage);
  app.post('/api/sandbox/run', sandboxed, sandbox.run);
  app.post('/api/sandbox/import', sandboxed, sandbox.importFile);
  app.post('/api/sandbox/export', sandboxed, sandbox.exportFiles);
  app.post('/api/sandbox/link', sandboxed, sandbox.link);
  app.post('/api/sandbox/link/open', sandboxed, sandbox.openLink);
  app.post('/api/sandbox/scenario', sandboxed, sandbox.saveScenario);

  if (services.chat) {
    const chat = chatHandlers(services.chat);
    app.get('/chat', chat.attachLive, chat.page);
    app.get('/api/chat/naming', chat.naming);
    app.post('/api/chat/session', limited, json, chat.session);
    app.post('/api/chat/messages', limited, json, chat.send);
  }

  if (services.classes) {
    const classes = classHandlers(services.classes, { publicUrl: services.publicUrl });
    app.get('/class/new', classes.newForm);
    app.post('/class/new', express.urlencoded({ extended: false, limit: '16kb' }), classes.start);
    app.get('/class/:code/teach', classes.teach);
    app.get('/class/:code/qr.svg', classes.qr);
    app.get('/class/:code/results.csv', classes.results);
    app.get('/api/class/:code/items', classes.items);
    app.get('/join', classes.join);
  }

  if (services.live) app.get('/live', livePageHandler(services.live));

  app.use('/api', (_req, _res, next) => next(new HttpError(404, worded('error.no-endpoint'))));
  app.use(errorHandler(logger));
  return app;
}
