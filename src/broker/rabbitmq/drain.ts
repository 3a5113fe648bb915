// Reads back what every queue of the run holds, in queue order (basic.get,
// no ack), once the broker has finished moving messages.
import type { Channel } from 'amqplib';
import type { ChannelPool } from './channel-pool.js';
import { amqpRefusal } from './amqp-failure.js';
import { onChannels } from './parallel.js';
import type { MessageTagger } from './message-tag.js';
import type { RunQueue } from './setup.js';

/**
 * Dead-lettering happens in the queue's own process after the publish was
 * confirmed (§13: it is published on to the DLX asynchronously, and may
 * chain), so confirms alone do not mean the queues are final. Wait until
 * every queue's depth stays the same between two looks, at most `maxMs`.
 */
export async function waitUntilStable(pool: ChannelPool, queues: RunQueue[], maxMs = 500, intervalMs = 5): Promise<void> {
  const tracked = await pool.plain();
  try {
    const deadline = Date.now() + maxMs;
    let previous = await depths(tracked.channel, queues);
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      const current = await depths(tracked.channel, queues);
      if (current.every((depth, i) => depth === previous[i])) return;
      previous = current;
    }
  } catch (err) {
    // A queue gone already (a user's own x-expires): nothing more to wait for.
    if (!amqpRefusal(err)) throw err;
  } finally {
    pool.release(tracked);
  }
}

async function depths(channel: Channel, queues: RunQueue[]): Promise<number[]> {
  // Sent back to back; amqplib queues them behind one another on the channel.
  return Promise.all(queues.map(async (q) => (await channel.checkQueue(q.real)).messageCount));
}

/** Declared name → indices of the messages it holds, in the order basic.get gives them. */
export async function drainQueues(pool: ChannelPool, queues: RunQueue[], tagger: MessageTagger): Promise<Record<string, number[]>> {
  const held = new Map<RunQueue, number[]>(queues.map((q) => [q, []]));
  // One queue after the other, in declaration order, as the conformance
  // recordings were made: draining is not a pure observation — basic.get
  // drops expired messages that reach the head and dead-letters them
  // (§13 TTL), possibly into a queue drained later. A queue type that
  // refuses basic.get (e.g. a stream) closes the channel: what was read so
  // far is reported, and the others go on (parallel.ts).
  await onChannels(
    pool,
    queues,
    async (channel, q) => {
      const indices = held.get(q)!;
      for (;;) {
        const msg = await channel.get(q.real, { noAck: true });
        if (msg === false) return;
        const index = tagger.identify(msg.properties as unknown as Record<string, unknown>, msg.content);
        if (index !== null) indices.push(index);
      }
    },
    1,
  );
  const out: Record<string, number[]> = {};
  for (const q of queues) out[q.declared] = held.get(q)!;
  return out;
}
