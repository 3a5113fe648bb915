// The shapes of the chat's requests. Error messages are words keys (see
// locales/*/chat.json): the route translates them into the page's language
// and answers 400 {"error": {"message", "path"}}.
import { z } from 'zod';
import { MESSAGE_ID_PATTERN, NAME_MAX, NAME_PATTERN, QUEUE_MAX, QUEUE_PATTERN, TEXT_MAX } from './limits.js';
import { DEFAULT_ROOM, isReservedQueueName, INBOX_PREFIX } from './naming.js';

// NFC: "Zoë" typed with a combining diaeresis is the same name, hence the same queue.
const tidy = (s: string) => s.trim().normalize('NFC');

const participantName = (what: 'name' | 'room') =>
  z
    .string(`chat.error.${what}-required`)
    .transform(tidy)
    .pipe(
      z
        .string()
        .min(1, `chat.error.${what}-required`)
        .max(NAME_MAX, `chat.error.${what}-too-long`)
        .regex(NAME_PATTERN, `chat.error.${what}-chars`),
    );

const queueName = z
  .string('chat.error.queue-chars')
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'chat.error.queue-chars')
      .max(QUEUE_MAX, 'chat.error.queue-too-long')
      .regex(QUEUE_PATTERN, 'chat.error.queue-chars')
      .refine((q) => !isReservedQueueName(q), 'chat.error.queue-reserved'),
  );

export const claimRequest = z.object({
  name: participantName('name'),
  room: z.preprocess((v) => (v === undefined || v === null || v === '' ? DEFAULT_ROOM : v), participantName('room')),
  /** A queue of one's own choosing as inbox (the report's "task_queue1"); absent: chat.<name>. */
  inbox: z.preprocess(
    (v) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v),
    queueName.refine((q) => !q.startsWith(INBOX_PREFIX), 'chat.error.inbox-chat-prefix').optional(),
  ),
  /** The token this browser holds for that name, if any. */
  token: z.string('chat.error.token').max(2048, 'chat.error.token').optional().nullable(),
  /** The code another browser of this person shows (claim-code.ts). */
  code: z.string('chat.error.code').max(32, 'chat.error.code').optional().nullable(),
});
export type ClaimRequest = z.infer<typeof claimRequest>;

const messageText = z
  .string('chat.error.text-empty')
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'chat.error.text-empty')
      // Characters, not UTF-16 units: an emoji counts once.
      .refine((s) => [...s].length <= TEXT_MAX, 'chat.error.text-too-long'),
  );

export const sendRequest = z
  .object({
    id: z.string('chat.error.id').regex(MESSAGE_ID_PATTERN, 'chat.error.id'),
    to: z.object(
      {
        kind: z.enum(['room', 'person', 'queue'], 'chat.error.to-kind'),
        name: z.string('chat.error.to-name').optional(),
      },
      'chat.error.to-kind',
    ),
    text: messageText,
  })
  .transform((req, ctx) => {
    const { kind } = req.to;
    if (kind === 'room') return { id: req.id, text: req.text, to: { kind } as const };
    const schema = kind === 'person' ? participantName('name') : queueName;
    const parsed = schema.safeParse(req.to.name);
    if (!parsed.success) {
      const key = parsed.error.issues[0].message.replace('chat.error.name-', 'chat.error.to-name-');
      ctx.addIssue({ code: 'custom', message: key, path: ['to', 'name'] });
      return z.NEVER;
    }
    return { id: req.id, text: req.text, to: { kind, name: parsed.data } };
  });
export type SendRequest = z.infer<typeof sendRequest>;
export type Recipient = SendRequest['to'];
