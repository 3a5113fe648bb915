// The WebSocket end of the class's live channel, at /api/class/live on the
// same HTTP server as the chat's (each upgrade handler answers its own path).
// A tab says who it is in its first message (teacher key, student token, or
// a join), never in the URL, which ends up in logs.
import { wsText } from '../util/ws-text.js';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { WsEndpoint } from '../util/ws-endpoint.js';
import { CLASS_LIVE_PATH, parseClassRequest, type ClassClient, type ClassRequest } from './class-protocol.js';

/** Messages per tab per second beyond which the tab is told to slow down (answers have their own, lower bound). */
const MESSAGES_PER_SECOND = 20;

/** What the live channel hands each tab's requests to (the class hub). */
export interface ClassRequestHandler {
  handle(client: ClassClient, request: ClassRequest): Promise<void>;
  leave(client: ClassClient): void;
}

export class ClassLiveServer {
  private readonly endpoint = new WsEndpoint(CLASS_LIVE_PATH, (ws) => this.accept(ws));

  constructor(
    private readonly hub: ClassRequestHandler,
    private readonly logger: Logger,
  ) {}

  attach(server: Server): void {
    this.endpoint.attach(server);
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }

  private accept(ws: WebSocket): void {
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
