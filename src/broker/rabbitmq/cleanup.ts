// Deletes everything a run created — also when it failed midway — so the
// shared broker keeps nothing of it (checked by test/leftovers.test.ts).
import type { ChannelPool } from './channel-pool.js';
import { amqpRefusal } from './amqp-failure.js';
import type { Created } from './setup.js';

/**
 * Queues first (that removes their bindings), then exchanges. Deleting a
 * queue or exchange that is already gone is not an error (delete-ok, §9).
 * Throws only when the connection is lost; the caller keeps the names then.
 */
export async function deleteCreated(pool: ChannelPool, created: Created): Promise<void> {
  if (created.queues.size === 0 && created.exchanges.size === 0) return;
  let tracked = await pool.plain();
  try {
    for (const queue of [...created.queues]) {
      try {
        await tracked.channel.deleteQueue(queue);
        created.queues.delete(queue);
      } catch (err) {
        if (!amqpRefusal(err)) throw err;
        pool.release(tracked);
        tracked = await pool.plain();
      }
    }
    for (const exchange of [...created.exchanges]) {
      try {
        await tracked.channel.deleteExchange(exchange);
        created.exchanges.delete(exchange);
      } catch (err) {
        if (!amqpRefusal(err)) throw err;
        pool.release(tracked);
        tracked = await pool.plain();
      }
    }
  } finally {
    pool.release(tracked);
  }
}
