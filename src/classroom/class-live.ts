// The WebSocket end of the class's live channel, at /api/class/live on the
// same HTTP server as the chat's (each upgrade handler answers its own path).
// A tab says who it is in its first message (teacher key, student token, or
// a join), never in the URL, which ends up in logs.
import { wsText } from '../util/ws-text.js';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClassClient, ClassHub } from './class-hub.js';
import { CLASS_LIVE_PATH, parseClassRequest } from './class-protocol.js';

const PING_MS = 25_000;
/** Messages per tab per second beyond which the tab is told to slow down (answers have their own, lower bound). */
const MESSAGES_PER_SECOND = 20;

export class ClassLiveServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  private readonly servers = new WeakSet<Server>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly hub: ClassHub,
    private readonly logger: Logger,
  ) {
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

  attach(server: Server): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== CLASS_LIVE_PATH) {
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
    const stragglers = setTimeout(() => {
      for (const ws of this.wss.clients) ws.terminate();
    }, 500);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    clearTimeout(stragglers);
  }

  private accept(ws: WebSocket): void {
    this.alive.set(ws, true);
    ws.on('pong', () => this.alive.set(ws, true));
    const client: ClassClient = {
      send: (message) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      },
    };
    let second = 0;
    let count = 0;
    // One request at a time per tab, in the order sent (a join must finish before the answer that follows it).
    let queue = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      const now = Math.floor(Date.now() / 1000);
      if (now !== second) [second, count] = [now, 0];
      if (++count > MESSAGES_PER_SECOND) {
        client.send({ type: 'error', key: 'class.error.slow-down' });
        return;
      }
      const request = isBinary ? null : parseClassRequest(wsText(data));
      if (!request) {
        client.send({ type: 'error', key: 'class.error.request' });
        return;
      }
      queue = queue.then(() => this.hub.handle(client, request));
    });
    ws.on('close', () => this.hub.leave(client));
    ws.on('error', (err) => this.logger.debug({ err: err.message }, 'class: websocket error'));
  }
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
