// Deletes everything a run created — also when it failed midway — so the
// shared broker keeps nothing of it (checked by test/leftovers.test.ts).
import type { ChannelPool } from './channel-pool.js';
import type { Created } from './created.js';
import { onChannels } from './parallel.js';

/**
 * Exchanges first. Two exchanges joined by an exchange binding must NOT be
 * deleted at the same time: RabbitMQ 3.10's channel then crashes
 * (rabbit_exchange:callback/4 function_clause on the source exchange it no
 * longer finds) and takes the whole connection with it (541 INTERNAL_ERROR)
 * — seen here with the differential test. So each group of linked exchanges
 * is deleted one by one; separate groups side by side. Deleting the exchanges
 * removes every binding, so the queues can then all go side by side.
 * Deleting what is already gone is not an error (delete-ok, §9). Throws only
 * when the connection is lost; what is still in `created` is left to delete.
 */
export async function deleteCreated(pool: ChannelPool, created: Created): Promise<void> {
  // Bindings between exchanges that stay (amq.* in a reused vhost): unbound first, one by one.
  for (const b of created.bindingsToUnbind()) {
    const tracked = await pool.plain();
    // A binding refused when made (a missing end) is not there: 404 on unbind, nothing to undo.
    await tracked.channel.unbindExchange(b.destination, b.source, b.key, b.args).catch(() => {});
    pool.release(tracked);
  }
  created.exchangeBindings.length = 0;
  await onChannels(pool, created.exchangeGroups(), async (channel, group) => {
    for (const exchange of group) {
      await channel.deleteExchange(exchange);
      created.exchanges.delete(exchange);
    }
  });
  await onChannels(pool, [...created.queues], async (channel, queue) => {
    await channel.deleteQueue(queue);
    created.queues.delete(queue);
  });
}
