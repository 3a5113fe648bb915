// The WebSocket end of the live channel, at /api/chat/live on the same HTTP
// server. A tab proves who it is with its token in its first message (not in
// the URL, which ends up in logs), then receives its inbox and acknowledges
// what it has shown.
import { wsText } from '../util/ws-text.js';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { WsEndpoint } from '../util/ws-endpoint.js';
import type { InboxRelay } from './inbox-relay.js';
import { LIVE_PATH, parseLiveRequest, type LiveClient, type LiveEvent } from './live-protocol.js';
import type { Participant } from './participants.js';
import type { TokenSigner } from './token.js';

export class LiveServer {
  private readonly endpoint = new WsEndpoint(LIVE_PATH, (ws) => this.accept(ws));

  constructor(
    private readonly relay: InboxRelay,
    private readonly signer: TokenSigner,
    private readonly credentials: (participant: Participant) => { token: string; code: string },
    private readonly logger: Logger,
  ) {}

  /** Serves the live channel on this HTTP server (once per server, whoever calls). */
  attach(server: Server): void {
    this.endpoint.attach(server);
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }

  private accept(ws: WebSocket): void {
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
