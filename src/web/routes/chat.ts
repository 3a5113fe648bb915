// The chat: the /chat page, POST /api/chat/session (take a name),
// POST /api/chat/messages (send), GET /api/chat/naming (the documented names
// for outside programs). The live channel is a WebSocket at /api/chat/live
// (src/chat/live-server.ts).
import type { Server } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { ZodError, type ZodType } from 'zod';
import { BrokerUnavailableError } from '../../broker/amqp-connection.js';
import { ChatError } from '../../chat/chat-error.js';
import type { ChatHub } from '../../chat/chat-hub.js';
import { NAME_MAX, TEXT_MAX } from '../../chat/limits.js';
import { claimRequest, sendRequest } from '../../chat/requests.js';
import { HttpError } from '../errors.js';
import { hasWord, wordsWithPrefix, type Lang, type Translate } from '../i18n/index.js';
import { issueText } from '../../util/issue-words.js';

export function chatHandlers(chat: ChatHub) {
  // The WebSocket needs the HTTP server, which only exists once someone
  // listens (createApp does not). server.ts attaches it explicitly; this
  // covers any other listener (tests calling app.listen): a tab always loads
  // the page over HTTP before it opens its WebSocket.
  const attachLive: RequestHandler = (req, _res, next) => {
    const server = (req.socket as { server?: Server }).server;
    if (server) chat.attach(server);
    next();
  };

  const page: RequestHandler = (_req, res) => {
    const lang = res.locals.lang as Lang;
    res.render('chat', {
      title: (res.locals.t as Translate)('chat.title'),
      words: wordsWithPrefix(lang, 'chat.'),
      naming: chat.naming(),
      limits: { name: NAME_MAX, text: TEXT_MAX, presenceTtlMs: chat.presence.ttlMs },
      styles: ['/static/css/chat.css'],
      scripts: ['/static/js/chat.js'],
    });
  };

  const naming: RequestHandler = (_req, res) => {
    res.json(chat.naming());
  };

  const session: RequestHandler = async (req, res) => {
    const t = res.locals.t as Translate;
    const request = parse(claimRequest, req, t);
    res.json(await guard(t, () => chat.claim(request), 'chat.error.away-join'));
  };

  const send: RequestHandler = async (req, res) => {
    const t = res.locals.t as Translate;
    const sender = await guard(t, async () => chat.authorize(req.get('authorization')));
    const request = parse(sendRequest, req, t);
    res.json(await guard(t, () => chat.send(sender, request)));
  };

  return { attachLive, page, naming, session, send };
}

/** Validates the body; a refusal names the field, in the page's language. */
function parse<T>(schema: ZodType<T>, req: Request, t: Translate): T {
  try {
    return schema.parse(req.body ?? {});
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    const issue = err.issues[0];
    const path = issue.path.map(String).join('.');
    const text = typeof (req.body as { text?: unknown })?.text === 'string' ? [...(req.body as { text: string }).text.trim()].length : 0;
    // The chat's own checks say what is wrong as a catalog key; zod's own issues are worded as everywhere else.
    const words = hasWord('en', issue.message)
      ? t(issue.message, { max: issue.message.includes('text') ? TEXT_MAX : NAME_MAX, length: text })
      : path
        ? t('error.at', { path, problem: issueText(req.body, issue, t) })
        : issueText(req.body, issue, t);
    throw new HttpError(400, words, path || undefined);
  }
}

/** The chat's refusals, and "the broker is away", as translated HTTP errors. */
async function guard<T>(t: Translate, fn: () => Promise<T>, awayKey = 'chat.error.away'): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ChatError) throw new HttpError(err.status, t(err.key, err.params), err.path);
    if (err instanceof BrokerUnavailableError)
      throw new HttpError(503, err.fault === 'unreachable' ? t(awayKey) : t(`broker.error.${err.fault}`, err.params));
    throw err;
  }
}
