// Builds the Express app from its services; does not listen (server.ts does).
// Tests call createApp({ broker }) with whichever broker they want.
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
import { healthRouter } from './routes/health.js';
import { runRouter } from './routes/run.js';
import { chatRouter } from './routes/chat.js';
import { classRouter } from './routes/class.js';
import { sandboxApiRouter, sandboxPageRouter } from './routes/sandbox.js';
import { scenariosRouter } from './routes/scenarios.js';
import { livePageRouter, type LivePageServices } from './routes/live.js';

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
  // Every POST under /api publishes or declares something on the broker:
  // limit before even parsing the body.
  const publishLimit = rateLimit(services.rateLimit ?? { perSecond: 20, burst: 40 });
  app.post('/api/*splat', publishLimit);
  // Playing a scenario declares, publishes and consumes on the broker too, though it is a GET (same bucket).
  app.get('/api/scenarios/:id/play', publishLimit);
  // The sandbox reads its own bodies (a definitions file over 1 MB is a 400 that names the limit).
  app.use(sandboxApiRouter(services.broker));
  app.use(express.json({ limit: '1mb' }));
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

  // Each router gets the services it uses, no more.
  app.use(healthRouter(services.broker));
  app.use(runRouter(services.broker));
  app.use(sandboxPageRouter());
  app.use(scenariosRouter({ broker: services.broker, connection: services.connection }));
  if (services.chat) app.use(chatRouter(services.chat));
  if (services.classes) app.use(classRouter(services.classes, { publicUrl: services.publicUrl }));
  if (services.live) app.use(livePageRouter(services.live));

  app.use('/api', (_req, _res, next) => next(new HttpError(404, worded('error.no-endpoint'))));
  app.use(errorHandler(logger));
  return app;
}
