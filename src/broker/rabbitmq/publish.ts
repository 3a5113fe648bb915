// Publishes a run's messages in order on a confirm channel and records what
// the broker did: which it returned (mandatory, unroutable) and which it
// refused with a channel error (404 missing exchange, 403 internal, 406 bad
// CC/BCC or expiration). Later messages still go out, on a fresh channel.
import type { ConfirmChannel, Message } from 'amqplib';
import type { MessageSpec } from '../../engine/types.js';
import { amqpRefusal } from './amqp-failure.js';
import type { ChannelPool, TrackedChannel } from './channel-pool.js';
import type { MessageTagger } from './message-tag.js';
import type { RunNames } from './namespace.js';
import { publishOptions } from './publish-options.js';

export interface PublishResult {
  returned: Set<number>;
  /** Message index → reply code of the channel error its publish caused. */
  errors: Map<number, number>;
}

export interface PublishContext {
  pool: ChannelPool;
  ns: RunNames;
  tagger: MessageTagger;
  /** Exchanges that exist, real name → internal (from setup). */
  exchanges: Map<string, { internal: boolean }>;
  /**
   * Publish every message alone, each after the previous one's confirm:
   * when queues may dead-letter (the dead-lettered copies must land where a
   * broker fed one message at a time puts them — after the triggering
   * publish's own deliveries, before the next publish's; the recorded
   * conformance cases were made that way), or when queues may vanish mid-run
   * (a user x-expires), so that nothing is sure to succeed.
   */
  oneByOne: boolean;
}

/**
 * Messages that cannot fail are pipelined (fast); any other is published
 * alone, after the ones before it are confirmed, and its own confirm or the
 * channel's close is awaited — the only way to know which message a channel
 * error belongs to, since the broker drops everything sent after it.
 */
export async function publishMessages(messages: MessageSpec[], context: PublishContext): Promise<PublishResult> {
  const result: PublishResult = { returned: new Set(), errors: new Map() };
  const onReturn = (msg: Message) => {
    const index = context.tagger.identify(msg.properties as unknown as Record<string, unknown>, msg.content);
    if (index !== null) result.returned.add(index);
  };
  let tracked = await context.pool.confirm();
  tracked.channel.on('return', onReturn);
  let inFlight: Promise<unknown>[] = [];
  try {
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index];
      const exchange = context.ns.exchangeToPublish(message.exchange);
      if (cannotFail(message, exchange, context)) {
        inFlight.push(send(tracked.channel, exchange, message, index, context));
        continue;
      }
      await settled(inFlight, tracked);
      inFlight = [];
      await send(tracked.channel, exchange, message, index, context);
      if (tracked.closed) {
        const refusal = amqpRefusal(tracked.closeError);
        if (!refusal) throw tracked.closeError ?? new Error('channel closed while publishing');
        result.errors.set(index, refusal.code);
        tracked.channel.off('return', onReturn);
        tracked = await context.pool.confirm();
        tracked.channel.on('return', onReturn);
      }
    }
    await settled(inFlight, tracked);
  } finally {
    tracked.channel.off('return', onReturn);
    context.pool.release(tracked);
  }
  return result;
}

/**
 * True when the broker has no reason to refuse the publish (§1): the target
 * exists and is not internal, and no CC/BCC header or expiration can be of
 * the wrong type.
 */
function cannotFail(message: MessageSpec, exchange: string, context: PublishContext): boolean {
  if (context.oneByOne) return false;
  const target = context.exchanges.get(exchange);
  if (!target || target.internal) return false;
  const props = message.properties ?? {};
  const headers = props.headers ?? {};
  // CC/BCC that are not arrays → 406 "unacceptable_type_in_header" (§1.7)
  if (headers.CC !== undefined && !Array.isArray(headers.CC)) return false;
  if (headers.BCC !== undefined && !Array.isArray(headers.BCC)) return false;
  // expiration must be a non-negative integer in a string (rabbit_basic:parse_expiration)
  if (props.expiration !== undefined && !/^\d{1,9}$/.test(props.expiration)) return false;
  return true;
}

/** Resolves on the message's confirm (ack or nack: a nack is not an error of the publish) or on the channel's close. */
function send(channel: ConfirmChannel, exchange: string, message: MessageSpec, index: number, context: PublishContext): Promise<void> {
  return new Promise((resolve) => {
    const body = Buffer.from(message.payload ?? '', 'utf8');
    channel.publish(exchange, message.routing_key ?? '', body, publishOptions(message, context.tagger.tagFor(index), context.ns), () =>
      resolve(),
    );
  });
}

/** Waits for pipelined messages; a channel error among them was not foreseen by cannotFail. */
async function settled(inFlight: Promise<unknown>[], tracked: TrackedChannel<ConfirmChannel>): Promise<void> {
  await Promise.all(inFlight);
  if (tracked.closed) {
    throw new Error(`a publish expected to be accepted was refused: ${tracked.closeError?.message ?? 'channel closed'}`);
  }
}
