// The messages of the class's live channel (one WebSocket per tab, at
// /api/class/live: WebSockets do not count against the browser's 6 HTTP/1.1
// connections per host, so 12 student tabs and a teacher tab in one browser
// all stay live). The page's scripts and the load simulator speak exactly this.
import { z } from 'zod';
import type { Grade } from './challenges.js';
import { CLASS_LIMITS } from './limits.js';

export const CLASS_LIVE_PATH = '/api/class/live';

const code = z.string().max(20);
const secret = z.string().min(1).max(100);

export const classRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('teacher'), code, key: secret }).strict(),
  z.object({ type: z.literal('student'), code, token: secret }).strict(),
  z.object({ type: z.literal('join'), code, name: z.string().max(200) }).strict(),
  z.object({ type: z.literal('go'), item: z.number().int().min(0).max(1000), step: z.number().int().min(0).max(10_000) }).strict(),
  z.object({ type: z.literal('ask') }).strict(),
  z.object({ type: z.literal('reveal') }).strict(),
  z.object({ type: z.literal('hide-names'), hidden: z.boolean() }).strict(),
  z.object({ type: z.literal('end') }).strict(),
  z
    .object({
      type: z.literal('answer'),
      key: z.string().max(20),
      queues: z.array(z.string().max(255)).max(50).optional(),
      text: z.string().max(CLASS_LIMITS.answerText).optional(),
      /** The page's own id for this answer (measuring answer → tally). */
      ref: z.string().max(40).optional(),
    })
    .strict(),
]);
export type ClassRequest = z.infer<typeof classRequest>;

/** Anything a tab sent, checked; null for what makes no sense. */
export function parseClassRequest(data: string): ClassRequest | null {
  if (data.length > 8 * 1024) return null;
  try {
    const parsed = classRequest.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What the hub sends a page. */
export type ClassMessage =
  | { type: 'welcome'; role: 'teacher' | 'student'; code: string; token?: string; studentId?: string }
  | { type: 'view'; view: unknown }
  | { type: 'graded'; key: string; text: string; grade: Grade }
  | { type: 'answered'; key: string; ref?: string }
  | { type: 'error'; key: string; params?: Record<string, string | number> }
  | { type: 'ended' }
  /** Whether the teacher's page is open (on this server): students wait while it is away. */
  | { type: 'teacher'; here: boolean };

/** One tab on the live channel. */
export interface ClassClient {
  send(message: ClassMessage): void;
  /** Set once the tab said who it is. */
  session?: { code: string; role: 'teacher' } | { code: string; role: 'student'; studentId: string };
  bucket?: { tokens: number; at: number };
}
