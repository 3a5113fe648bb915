// Tests that need RabbitMQ ask for it here. In CI (CI=true or
// REQUIRE_RABBITMQ=1) a missing broker FAILS the test; elsewhere it skips
// with a message saying why.
import { AmqpConnection } from '../../src/broker/amqp-connection.js';

export const AMQP_URL = process.env.AMQP_URL || process.env.CLOUDAMQP_URL || 'amqp://guest:guest@localhost:5672';
export const rabbitRequired = process.env.CI === 'true' || process.env.REQUIRE_RABBITMQ === '1';

let shared: Promise<AmqpConnection | null> | null = null;

/** One connection for the whole test process (null when unreachable and not required). */
export function rabbitConnection(): Promise<AmqpConnection | null> {
  shared ??= (async () => {
    const connection = new AmqpConnection(AMQP_URL, { connectionName: 'playground-tests' });
    try {
      await connection.start(3000);
      return connection;
    } catch (err) {
      if (rabbitRequired) throw new Error(`RabbitMQ is required in CI but unreachable: ${(err as Error).message}`, { cause: err });
      return null;
    }
  })();
  return shared;
}

/**
 * In a before() hook: gives the connection, or skips the suite locally when
 * RabbitMQ is missing (in CI it throws, so the suite fails).
 */
export async function requireRabbit(ctx: Mocha.Context): Promise<AmqpConnection> {
  const connection = await rabbitConnection();
  if (!connection) {
    console.warn('      RabbitMQ unreachable: skipping (set REQUIRE_RABBITMQ=1 to fail instead)');
    ctx.skip();
  }
  return connection;
}

after(async () => {
  if (shared) await (await shared.catch(() => null))?.close();
});
