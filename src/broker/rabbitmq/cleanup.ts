// Deletes everything a run created — also when it failed midway — so the
// shared broker keeps nothing of it (checked by test/leftovers.test.ts).
import type { ChannelPool } from './channel-pool.js';
import { onChannels } from './parallel.js';
import type { Created } from './setup.js';

/**
 * Exchanges first, ONE AT A TIME: deleting two exchanges linked by a binding
 * concurrently crashes RabbitMQ 3.10's channel (rabbit_exchange:callback/4
 * function_clause on the source it no longer finds) and with it the whole
 * connection (541 INTERNAL_ERROR) — seen here with the differential test.
 * That removes every binding, so the queues can then go side by side
 * (nothing else is bound to them, no auto-delete exchange can fire).
 * Deleting what is already gone is not an error (delete-ok, §9). Throws only
 * when the connection is lost; what is still in `created` is left to delete.
 */
export async function deleteCreated(pool: ChannelPool, created: Created): Promise<void> {
  await onChannels(
    pool,
    [...created.exchanges],
    async (channel, exchange) => {
      await channel.deleteExchange(exchange);
      created.exchanges.delete(exchange);
    },
    1,
  );
  await onChannels(pool, [...created.queues], async (channel, queue) => {
    await channel.deleteQueue(queue);
    created.queues.delete(queue);
  });
}
