// GET /live: the live view of what connected programs do (src/live/). The
// page's data comes over its WebSocket (/api/live/ws), not from here.
import type { RequestHandler } from 'express';
import { wordsWithPrefix, type Lang } from '../i18n/index.js';
import { isLoopbackAddress } from '../../util/lan-addresses.js';

export interface LivePageServices {
  /** The URL programs use (the listener's or the relay's), shown on the page; no password. */
  programUrl: string;
}

export function livePageHandler({ programUrl }: LivePageServices): RequestHandler {
  return (req, res) => {
    const lang = res.locals.lang as Lang;
    res.render('live', {
      title: (res.locals.t as (k: string) => string)('live.title'),
      words: JSON.stringify({
        ...wordsWithPrefix(lang, 'live.'),
        ...wordsWithPrefix(lang, 'scenario.js.'),
        ...wordsWithPrefix(lang, 'sandbox.search.'),
      }),
      amqpUrl: programUrl,
      // guest works from this machine only (RabbitMQ's loopback_users): offer it there.
      defaultUser: isLoopbackAddress(req.socket.remoteAddress) ? 'guest' : '',
      // On the machine itself the page needs no form: it watches "/" as guest does (the header's Live link).
      local: isLoopbackAddress(req.socket.remoteAddress),
      styles: ['/static/css/scenario.css', '/static/css/sandbox.css', '/static/css/diagram-tools.css', '/static/css/live.css'],
      scripts: ['/static/js/live-page.js'],
    });
  };
}
