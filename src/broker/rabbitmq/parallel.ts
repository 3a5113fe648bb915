// Independent broker operations (deleting, draining different queues) run on
// a few channels at once: amqplib waits for each reply before sending the next
// request on a channel, while the broker serves channels concurrently.
import type { Channel } from 'amqplib';
import { amqpRefusal } from './amqp-failure.js';
import type { ChannelPool, TrackedChannel } from './channel-pool.js';

/**
 * Calls `work` for every item, on up to `width` channels at once. A broker
 * refusal of one item closes its channel only: the worker takes a fresh one
 * and goes on; any other error (a lost connection) stops everything.
 */
export async function onChannels<T>(
  pool: ChannelPool,
  items: readonly T[],
  work: (channel: Channel, item: T) => Promise<void>,
  width = 4,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    let tracked: TrackedChannel | null = null;
    try {
      while (next < items.length) {
        const item = items[next++];
        tracked ??= await pool.plain();
        try {
          await work(tracked.channel, item);
        } catch (err) {
          if (!amqpRefusal(err)) throw err;
          pool.release(tracked);
          tracked = null;
        }
      }
    } finally {
      if (tracked) pool.release(tracked);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
