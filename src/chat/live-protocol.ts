// The messages of the live channel (a WebSocket: one per tab, and WebSockets
// do not count against the browser's 6 HTTP/1.1 connections per host, so 8+
// tabs keep working — SSE would starve them).
import type { ChatMessage } from './chat-message.js';
import type { Participant } from './participants.js';

export const LIVE_PATH = '/api/chat/live';

/** server → tab */
export type LiveEvent =
  /** code: what to type in another browser to be this person there (claim-code.ts). */
  | { type: 'welcome'; participant: Participant; token: string; code: string }
  /** A fresh token (and code) now and then while the tab is open: the sliding lease of token.ts. */
  | { type: 'token'; token: string; code: string }
  | { type: 'message'; message: ChatMessage }
  /** online: this tab's inbox is consumed; away: the broker is unreachable (messages wait in the queue). */
  | { type: 'status'; broker: 'online' | 'away' }
  | { type: 'error'; key: string };

/** tab → server */
export type LiveRequest = { type: 'hello'; token: string } | { type: 'ack'; ids: string[] };

/** Most ids one ack may carry (bounded by the prefetch anyway). */
export const MAX_ACK_IDS = 200;

/** Anything the tab sent, checked; null for what makes no sense. */
export function parseLiveRequest(data: string): LiveRequest | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const v = value as { type?: unknown; token?: unknown; ids?: unknown };
  if (v?.type === 'hello' && typeof v.token === 'string') return { type: 'hello', token: v.token };
  if (v?.type === 'ack' && Array.isArray(v.ids) && v.ids.length <= MAX_ACK_IDS && v.ids.every((id) => typeof id === 'string')) {
    return { type: 'ack', ids: v.ids };
  }
  return null;
}

export interface LiveClient {
  send(event: LiveEvent): void;
}
