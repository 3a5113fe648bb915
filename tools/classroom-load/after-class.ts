// After the students have gone: what the server still holds on RabbitMQ.
// The load runs the server in a vhost of its own, so everything in it is the
// server's doing, even while other programs use the same broker.
//
// Intended to remain while the server runs: its one connection and, on it,
// idle channels kept for reuse — at most 8 plain + 8 confirm (ChannelPool)
// + the chat's publisher — with no consumer and nothing unacknowledged; the
// durable "chat" exchange; and each participant's durable inbox chat.<name>,
// which RabbitMQ deletes by itself after 24 h unused (x-expires) and which
// keeps what was sent to them meanwhile, with its lease chat-lease.<name>
// (the last "used" marker, gone after an hour; the queue after 24 h). Nothing of a scenario play or a run
// (xtp.*) may remain; once the server has stopped, no connection or channel.
import { randomBytes } from 'node:crypto';
import { rabbitmqctl } from '../rabbitmqctl.js';
import { footprint, type Footprint } from './broker-footprint.js';

/** Idle channels a server may keep: ChannelPool's 8 plain + 8 confirm, and the chat's publisher. */
export const MAX_IDLE_CHANNELS = 8 + 8 + 1;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's footprint once its channels are idle (consumers closed as the tabs left), or as it is after `timeoutMs`. */
export async function settledFootprint(connectionName: string, timeoutMs = 10_000): Promise<Footprint> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const now = await footprint(connectionName);
    const idle = now.channels.every((c) => c.consumers === 0 && c.unacked === 0) && now.channels.length <= MAX_IDLE_CHANNELS;
    if (idle || Date.now() > until) return now;
    await sleep(500);
  }
}

/** The footprint once the connection is gone (RabbitMQ may take a moment to list it gone). */
export async function footprintAfterStop(connectionName: string, timeoutMs = 5000): Promise<Footprint> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const now = await footprint(connectionName);
    if (now.connections.length === 0 || Date.now() > until) return now;
    await sleep(500);
  }
}

/** A vhost of its own for one server, on the RabbitMQ of `amqpUrl`; deleted with everything in it. */
export class ClassVhost {
  readonly name = `classroom-${randomBytes(5).toString('hex')}`;

  constructor(private readonly amqpUrl: string) {}

  /** The AMQP URL with this vhost. */
  get url(): string {
    const url = new URL(this.amqpUrl);
    url.pathname = `/${encodeURIComponent(this.name)}`;
    return url.toString();
  }

  async create(): Promise<void> {
    await rabbitmqctl('add_vhost', this.name);
    await rabbitmqctl('set_permissions', '-p', this.name, decodeURIComponent(new URL(this.amqpUrl).username) || 'guest', '.*', '.*', '.*');
  }

  async delete(): Promise<void> {
    await rabbitmqctl('delete_vhost', this.name);
  }
}
