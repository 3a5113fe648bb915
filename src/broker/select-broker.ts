// BROKER=auto|embedded|rabbitmq → a Broker. auto tries RabbitMQ for about a
// second and falls back to the embedded broker, saying so; an explicit
// BROKER=rabbitmq that cannot connect is an error, never a silent fallback.
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import { AmqpConnection } from './amqp-connection.js';
import type { Broker } from './broker.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { RabbitMqBroker } from './rabbitmq-broker.js';
import { ManagementApi } from './rabbitmq/management-api.js';
import { RunVhosts } from './rabbitmq/run-vhosts.js';

export interface SelectedBroker {
  broker: Broker;
  /** The AMQP connection, when the broker is RabbitMQ (the chat shares it). */
  connection: AmqpConnection | null;
  /** One line for the console: which broker and why. */
  notice: string;
}

export async function selectBroker(config: Config): Promise<SelectedBroker> {
  if (config.broker === 'embedded') {
    return { broker: new EmbeddedBroker(), connection: null, notice: 'broker: embedded (BROKER=embedded)' };
  }
  const connection = new AmqpConnection(config.amqpUrl, {
    socketOptions: tlsSocketOptions(config),
    connectionName: config.amqpConnectionName,
    heartbeatS: config.amqpHeartbeatS,
    operationTimeoutMs: config.brokerTimeoutMs,
  });
  try {
    await connection.start(config.broker === 'auto' ? 1000 : 5000);
  } catch (err) {
    await connection.close();
    if (config.broker === 'rabbitmq') throw err;
    return {
      broker: new EmbeddedBroker(),
      connection: null,
      notice: `broker: embedded — no RabbitMQ reachable at ${connection.redactedUrl} (${connection.error}); set BROKER=rabbitmq to require it`,
    };
  }
  const { vhosts, words } = await runVhosts(config);
  return {
    broker: new RabbitMqBroker(connection, { vhosts }),
    connection,
    notice: `broker: RabbitMQ at ${connection.redactedUrl}; ${words}`,
  };
}

/** RUN_ISOLATION: a vhost per run when the broker lets the app create vhosts (an explicit vhost that cannot is an error). */
async function runVhosts(config: Config): Promise<{ vhosts: RunVhosts | null; words: string }> {
  if (config.runIsolation === 'prefix') return { vhosts: null, words: 'runs: a name prefix each (RUN_ISOLATION=prefix)' };
  const api = ManagementApi.forAmqpUrl(config.amqpUrl, config.managementUrl);
  const vhosts = new RunVhosts(api, config.amqpUrl, {
    socketOptions: tlsSocketOptions(config),
    heartbeatS: config.amqpHeartbeatS,
    operationTimeoutMs: config.brokerTimeoutMs,
  });
  try {
    await vhosts.start();
    return { vhosts, words: `runs: a vhost each, names exact (management API at ${api.baseUrl})` };
  } catch (err) {
    await vhosts.close();
    if (config.runIsolation === 'vhost') throw new Error(`RUN_ISOLATION=vhost: ${(err as Error).message}`, { cause: err });
    return { vhosts: null, words: `runs: a name prefix each — no vhost can be made (${(err as Error).message})` };
  }
}

/** amqps:// with a custom CA (AMQP_CA_FILE), as a self-hosted or classroom broker may need. */
export function tlsSocketOptions(config: Config): Record<string, unknown> {
  if (!config.amqpUrl.startsWith('amqps:')) return {};
  const options: Record<string, unknown> = { rejectUnauthorized: config.amqpTls.rejectUnauthorized };
  if (config.amqpTls.caFile) {
    try {
      options.ca = [readFileSync(config.amqpTls.caFile)];
    } catch (err) {
      throw new Error(`AMQP_CA_FILE: cannot read ${config.amqpTls.caFile}: ${(err as Error).message}`, { cause: err });
    }
  }
  // The certificate must name the URL's host (servername for SNI as well).
  options.servername = new URL(config.amqpUrl).hostname;
  return options;
}
