// What one server process holds on RabbitMQ, read with rabbitmqctl (the
// broker's own view, not the app's): its connection, found by the
// connection_name the server was started with (AMQP_CONNECTION_NAME), that
// connection's channels with their consumers and unacknowledged messages,
// and the queues and exchanges of a vhost.
import { rabbitmqctl } from '../rabbitmqctl.js';

export interface ChannelInfo {
  name: string;
  consumers: number;
  unacked: number;
}

export interface Footprint {
  /** The connections that named themselves `connectionName` ("127.0.0.1:40000 -> 127.0.0.1:5672"). */
  connections: string[];
  channels: ChannelInfo[];
}

const rows = async (...args: string[]) =>
  (await rabbitmqctl(...args, '--no-table-headers'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));

export async function footprint(connectionName: string): Promise<Footprint> {
  const connections = (await rows('list_connections', 'name', 'client_properties'))
    .filter(([, props]) => props?.includes(`{"connection_name","${connectionName}"}`))
    .map(([name]) => name);
  const channels = (await rows('list_channels', 'name', 'consumer_count', 'messages_unacknowledged'))
    .filter(([name]) => connections.some((c) => name.startsWith(`${c} (`)))
    .map(([name, consumers, unacked]) => ({ name: name, consumers: Number(consumers), unacked: Number(unacked) }));
  return { connections, channels };
}

/** The queues of a vhost. */
export async function queuesIn(vhost: string): Promise<string[]> {
  return (await rows('list_queues', '-p', vhost, 'name')).map(([name]) => name);
}

/** The exchanges of a vhost, without the ones RabbitMQ itself makes in every vhost ("" and amq.*). */
export async function exchangesIn(vhost: string): Promise<string[]> {
  return (await rows('list_exchanges', '-p', vhost, 'name')).map(([name]) => name ?? '').filter((n) => n !== '' && !n.startsWith('amq.'));
}
