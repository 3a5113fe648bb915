// A student's chat tab, speaking the protocol public/js/chat.js and
// chat-live.js speak: POST /api/chat/session takes a name, a WebSocket to
// /api/chat/live says hello with the token, every pushed message is
// acknowledged once "shown" (here: written in the ledger), and
// POST /api/chat/messages with the Bearer token sends, with an id per message
// (the page's outbox resends with the same id; this tab never needs to in a
// run without faults, so a refused send is an error, not a retry).
import WebSocket from 'ws';
import { nowNs } from '../timing.js';
import type { ErrorLog } from './error-log.js';
import type { DeliveryLedger } from './ledger.js';
import { StudentHttp } from './student-http.js';

export type Recipient = { kind: 'room' } | { kind: 'person'; name: string };

interface LiveFrame {
  type: string;
  token?: string;
  broker?: string;
  key?: string;
  message?: { id: string; event: string | null };
}

export interface ChatStudentOptions {
  base: string;
  name: string;
  room: string;
  localAddress?: string;
  ledger: DeliveryLedger;
  errors: ErrorLog;
  timeoutMs?: number;
}

export class ChatStudent {
  readonly name: string;
  readonly room: string;
  /** Presence notices received (join, here, left: not in the ledger, the servers send them). */
  presence = 0;
  private token = '';
  private ws: WebSocket | null = null;
  private online = false;
  private closing = false;
  private readonly http: StudentHttp;

  private constructor(private readonly options: ChatStudentOptions) {
    this.name = options.name;
    this.room = options.room;
    this.http = new StudentHttp(options.base, options.localAddress);
  }

  /** Loads /chat, takes the name, opens the live channel; resolves once the inbox is consumed. */
  static async join(options: ChatStudentOptions): Promise<ChatStudent> {
    const student = new ChatStudent(options);
    try {
      const page = await student.http.get('/chat');
      if (page.status !== 200) throw new Error(`GET /chat answered ${page.status}`);
      const answer = await student.http.post('/api/chat/session', { name: options.name, room: options.room });
      if (answer.status !== 200) throw new Error(`POST /api/chat/session answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      student.token = (JSON.parse(answer.body) as { token: string }).token;
      await student.connect(options.timeoutMs ?? 30_000);
    } catch (err) {
      student.close();
      throw new Error(`${options.name} could not join: ${(err as Error).message}`, { cause: err });
    }
    return student;
  }

  private connect(timeoutMs: number): Promise<void> {
    const url = `${this.options.base.replace(/^http/, 'ws')}/api/chat/live`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, this.options.localAddress ? { localAddress: this.options.localAddress } : {});
      this.ws = ws;
      const timer = setTimeout(() => reject(new Error(`inbox not consumed within ${timeoutMs} ms`)), timeoutMs);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', token: this.token })));
      ws.on('error', (err) => {
        clearTimeout(timer);
        if (!this.online) reject(err);
        else this.options.errors.add('chat: websocket error', `${this.name}: ${err.message}`);
      });
      ws.on('close', (code) => {
        if (!this.closing) this.options.errors.add('chat: live channel closed by the server', `${this.name}: code ${code}`);
      });
      ws.on('message', (data) => {
        const atNs = nowNs();
        let frame: LiveFrame;
        try {
          frame = JSON.parse(data.toString()) as LiveFrame;
        } catch {
          this.options.errors.add('chat: frame is not JSON', data.toString().slice(0, 100));
          return;
        }
        // welcome, and the fresh token a server sends now and then (the sliding lease)
        if ((frame.type === 'welcome' || frame.type === 'token') && frame.token) this.token = frame.token;
        else if (frame.type === 'status') {
          if (frame.broker === 'online' && !this.online) {
            this.online = true;
            clearTimeout(timer);
            resolve();
          } else if (frame.broker === 'away' && this.online) {
            // Before its inbox is first consumed a tab is told "away" (not yet online); after, it means the broker went.
            this.options.errors.add('chat: broker reported away', this.name);
          }
        } else if (frame.type === 'error') {
          clearTimeout(timer);
          if (!this.online) reject(new Error(`live channel refused: ${frame.key}`));
          else this.options.errors.add('chat: live channel error', `${this.name}: ${frame.key}`);
        } else if (frame.type === 'message' && frame.message) {
          if (frame.message.event)
            this.presence++; // join, here, left: presence notices
          else this.options.ledger.received(this.name, frame.message.id, atNs);
          // As the page does once the line is shown and stored.
          ws.send(JSON.stringify({ type: 'ack', ids: [frame.message.id] }));
        }
      });
    });
  }

  /**
   * Sends one message; `recipients` are the students who must receive it
   * (written in the ledger before the POST leaves). Answers the POST's ms,
   * or null when it failed (counted as an error, owed to nobody).
   */
  async send(id: string, to: Recipient, text: string, recipients: readonly string[]): Promise<number | null> {
    const started = nowNs();
    this.options.ledger.expect(id, recipients, started);
    try {
      const answer = await this.http.post('/api/chat/messages', { id, to, text }, { authorization: `Bearer ${this.token}` });
      if (answer.status !== 200) {
        this.options.ledger.cancel(id);
        this.options.errors.add(`chat: send answered ${answer.status}`, answer.body.slice(0, 200));
        return null;
      }
      return Number(nowNs() - started) / 1e6;
    } catch (err) {
      this.options.ledger.cancel(id);
      this.options.errors.add('chat: send failed', (err as Error).message);
      return null;
    }
  }

  close(): void {
    this.closing = true;
    this.ws?.close();
    this.http.close();
  }
}
