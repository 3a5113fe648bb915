// One WebSocket path on the app's HTTP server, the way each live channel here
// (the chat's, the class's, /live's) wants it: upgrades for its own path only,
// the Origin checked against the Host (cross-site WebSocket hijacking: a
// browser always sends Origin), a ping every 25 s that drops a tab which
// vanished without closing (a laptop lid), and a close that does not wait on
// a tab that never answers the closing handshake.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

const PING_MS = 25_000;

export class WsEndpoint {
  private readonly wss: WebSocketServer;
  private readonly servers = new WeakSet<Server>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    readonly path: string,
    private readonly onSocket: (ws: WebSocket, req: IncomingMessage) => void,
    { maxPayload = 16 * 1024 }: { maxPayload?: number } = {},
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload });
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

  /** Serves the path on this HTTP server (once per server, whoever calls). */
  attach(server: Server): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if ((req.url ?? '').split('?')[0] !== this.path) {
        // Another endpoint's path; with no other endpoint, nobody answers it.
        if (server.listenerCount('upgrade') === 1) socket.destroy();
        return;
      }
      const origin = req.headers.origin;
      if (origin !== undefined && hostOf(origin) !== req.headers.host) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.alive.set(ws, true);
        ws.on('pong', () => this.alive.set(ws, true));
        this.onSocket(ws, req);
      });
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
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
