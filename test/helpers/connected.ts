// The shared test connection may be reconnecting — another test file may have
// restarted RabbitMQ (stop_app/start_app) just before: wait for it a while.
import { once } from 'node:events';
import type { AmqpConnection } from '../../src/broker/amqp-connection.js';

export async function connected(connection: AmqpConnection, withinMs = 15_000): Promise<AmqpConnection> {
  if (connection.connected) return connection;
  const timeout = AbortSignal.timeout(withinMs);
  try {
    await once(connection, 'connected', { signal: timeout });
  } catch {
    throw new Error(`RabbitMQ did not come back within ${withinMs} ms (${connection.error ?? 'no error reported'})`);
  }
  return connection;
}
