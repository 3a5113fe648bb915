// The WebSocket of /live (GET /api/live/ws): the page's first message says
// which vhost it wants and proves it may ({vhost, user, password} or
// {vhost, key}); then it receives the vhost's state a few times a second.
// Pausing, stepping and clearing happen in the page alone: nobody changes
// what another viewer sees.
import { wsText } from '../util/ws-text.js';
import type { Server } from 'node:http';
import type { WebSocket } from 'ws';
import { WsEndpoint } from '../util/ws-endpoint.js';
import type { LiveAccess, WatchRequest } from './live-access.js';
import type { LiveHub } from './live-hub.js';

export const LIVE_VIEW_PATH = '/api/live/ws';
const MAX_VHOST_CHARS = 255;

export class LiveSocket {
  private readonly endpoint = new WsEndpoint(LIVE_VIEW_PATH, (ws, req) => this.accept(ws, req.socket.remoteAddress), {
    maxPayload: 4 * 1024,
  });

  constructor(
    private readonly hub: LiveHub,
    private readonly access: LiveAccess,
  ) {}

  attach(server: Server): void {
    this.endpoint.attach(server);
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }

  private accept(ws: WebSocket, remoteAddress: string | undefined): void {
    let stop: (() => void) | null = null;
    let asking = false;
    const error = (key: string) => ws.send(JSON.stringify({ type: 'error', key }));
    ws.on('message', (data, isBinary) => {
      const message = isBinary ? null : parse(wsText(data));
      if (!message) return error('live.error.request');
      if (stop || asking) return;
      asking = true;
      void this.access.check(message.watch, remoteAddress).then((answer) => {
        asking = false;
        if (!answer.ok) return error(`live.error.${answer.reason}`);
        if (ws.readyState !== ws.OPEN) return;
        // A student is shown the name they asked for ("/"); what they watch is the vhost the broker gave them.
        const shown = answer.teacher ? answer.vhost : message.watch.vhost;
        ws.send(
          JSON.stringify({
            type: 'welcome',
            vhost: shown,
            teacher: answer.teacher,
            vhosts: answer.teacher ? this.hub.vhostNames() : [shown],
          }),
        );
        stop = this.hub.watch({ vhost: answer.vhost, send: (text) => ws.send(text), buffered: () => ws.bufferedAmount });
      });
    });
    ws.on('close', () => stop?.());
    ws.on('error', () => stop?.());
  }
}

type Incoming = { type: 'watch'; watch: WatchRequest };

function parse(text: string): Incoming | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const m = v as Record<string, unknown>;
  if (m?.type !== 'watch' || typeof m.vhost !== 'string' || m.vhost.length > MAX_VHOST_CHARS) return null;
  const str = (x: unknown) => (typeof x === 'string' && x.length <= 255 ? x : undefined);
  return { type: 'watch', watch: { vhost: m.vhost, user: str(m.user), password: str(m.password), key: str(m.key) } };
}
