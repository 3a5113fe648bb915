// The WebSocket end of the live channel, at /api/chat/live on the same HTTP
// server. A tab proves who it is with its token in its first message (not in
// the URL, which ends up in logs), then receives its inbox and acknowledges
// what it has shown.
import { wsText } from '../util/ws-text.js';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { InboxRelay } from './inbox-relay.js';
import { LIVE_PATH, parseLiveRequest, type LiveClient, type LiveEvent } from './live-protocol.js';
import type { Participant } from './participants.js';
import type { TokenSigner } from './token.js';

const PING_MS = 25_000;

export class LiveServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  private readonly servers = new WeakSet<Server>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly relay: InboxRelay,
    private readonly signer: TokenSigner,
    private readonly credentials: (participant: Participant) => { token: string; code: string },
    private readonly logger: Logger,
  ) {
    // A tab that vanished without closing (laptop lid) is noticed by the
    // missing pong, so its inbox's consumer does not hold messages for ever.
    this.heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) {
        if (this.alive.get(ws) === false) {
          ws.terminate();
          continue;
        }
        this.alive.set(ws, false);
        ws.ping();
      }
    }, PING_MS);
    this.heartbeat.unref();
  }

  /** Serves the live channel on this HTTP server (once per server, whoever calls). */
  attach(server: Server): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== LIVE_PATH) {
        if (server.listenerCount('upgrade') === 1) socket.destroy();
        return;
      }
      // Cross-site WebSocket hijacking: browsers always send Origin; it must be this host.
      const origin = req.headers.origin;
      if (origin !== undefined && hostOf(origin) !== req.headers.host) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    // wss.close() waits for every connection to end: do not wait on a tab
    // that does not answer the closing handshake.
    const stragglers = setTimeout(() => {
      for (const ws of this.wss.clients) ws.terminate();
    }, 500);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    clearTimeout(stragglers);
  }

  private accept(ws: WebSocket): void {
    this.alive.set(ws, true);
    ws.on('pong', () => this.alive.set(ws, true));
    const client: LiveClient = {
      send: (event: LiveEvent) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
      },
    };
    ws.on('message', (data, isBinary) => {
      const request = isBinary ? null : parseLiveRequest(wsText(data));
      if (!request) {
        client.send({ type: 'error', key: 'chat.error.live-request' });
        return;
      }
      if (request.type === 'hello') {
        const claims = this.signer.verify(request.token);
        if (!claims) {
          client.send({ type: 'error', key: 'chat.error.token' });
          return;
        }
        const participant = { name: claims.name, room: claims.room, inbox: claims.inbox };
        // A fresh token: the sliding lease of token.ts.
        client.send({ type: 'welcome', participant, ...this.credentials(participant) });
        this.relay.join(participant, client);
      } else {
        this.relay.ack(client, request.ids);
      }
    });
    ws.on('close', () => this.relay.leave(client));
    ws.on('error', (err) => this.logger.debug({ err: err.message }, 'chat: websocket error'));
  }
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
