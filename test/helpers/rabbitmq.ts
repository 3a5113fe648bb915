// Tests that need RabbitMQ ask for it here. In CI (CI=true or
// REQUIRE_RABBITMQ=1) a missing broker FAILS the test; elsewhere it skips
// with a message saying why.
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { ManagementApi } from '../../src/broker/rabbitmq/management-api.js';
import { RunVhosts } from '../../src/broker/rabbitmq/run-vhosts.js';

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

let sharedVhosts: Promise<RunVhosts | null> | null = null;

/**
 * In a before() hook: vhosts per run on the machine's RabbitMQ (its
 * management API), one pool for the test process; skipped locally without
 * the management plugin, a failure in CI (.ci/run enables it).
 */
export async function requireRunVhosts(ctx: Mocha.Context): Promise<RunVhosts> {
  await requireRabbit(ctx);
  sharedVhosts ??= (async () => {
    const vhosts = new RunVhosts(ManagementApi.forAmqpUrl(AMQP_URL, process.env.RABBITMQ_MANAGEMENT_URL), AMQP_URL);
    try {
      await vhosts.start();
      return vhosts;
    } catch (err) {
      await vhosts.close();
      if (rabbitRequired) throw new Error(`RabbitMQ's management API is required in CI: ${(err as Error).message}`, { cause: err });
      return null;
    }
  })();
  const vhosts = await sharedVhosts;
  if (!vhosts) {
    console.warn('      no RabbitMQ management API (rabbitmq-plugins enable rabbitmq_management): skipping');
    ctx.skip();
  }
  return vhosts;
}

/** Deletes the test process's vhosts per run (also done after all tests). */
export async function closeRunVhosts(): Promise<void> {
  if (sharedVhosts) await (await sharedVhosts.catch(() => null))?.close();
  sharedVhosts = null;
}

after(closeRunVhosts);
