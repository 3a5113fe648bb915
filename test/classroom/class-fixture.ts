// A server with classroom mode on either broker, for the class tests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import type { ClassHub, ClassHubOptions } from '../../src/classroom/class-hub.js';
import { createClassHub } from '../../src/classroom/create-class-hub.js';
import { classNames } from '../../src/classroom/amqp-transport.js';
import { createApp } from '../../src/web/app.js';
import { listenerConnection } from '../helpers/listener.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

export type Kind = 'embedded' | 'rabbitmq';

export interface ClassApp {
  kind: Kind;
  url: string;
  hub: ClassHub;
  /** The server goes away (as a restarted process does: every page's socket closes)… */
  stop(): Promise<void>;
  /** …and comes back on the same address with a new hub (on RabbitMQ, the class is still there). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startClassApp(ctx: Mocha.Context, kind: Kind, options: ClassHubOptions = {}): Promise<ClassApp> {
  // The embedded broker: the class travels through its AMQP listener, as `npm start` runs it.
  const connection = kind === 'rabbitmq' ? await requireRabbit(ctx) : await listenerConnection();
  // Every class the test starts is deleted from RabbitMQ afterwards, ended or not.
  const codes: string[] = [];
  const broker = kind === 'rabbitmq' ? new RabbitMqBroker(connection) : new EmbeddedBroker();

  /** A server process's worth: a hub and an HTTP server on `port` (0: any). */
  async function serve(port: number): Promise<{ hub: ClassHub; server: http.Server }> {
    const hub = createClassHub({ connection, ...options });
    const create = hub.create.bind(hub);
    hub.create = async (items, options) => {
      const made = await create(items, options);
      codes.push(made.code);
      return made;
    };
    const server = http.createServer(createApp({ broker, connection, classes: hub, rateLimit: { perSecond: 1000, burst: 1000 } }));
    hub.attach(server);
    // Every interface, as npm start listens: students may come by the machine's LAN address (the join link).
    await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
    return { hub, server };
  }
  async function stop({ hub, server }: { hub: ClassHub; server: http.Server }): Promise<void> {
    await hub.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  let running = await serve(0);
  const port = (running.server.address() as AddressInfo).port;
  const app: ClassApp = {
    kind,
    url: `http://127.0.0.1:${port}`,
    hub: running.hub,
    stop: () => stop(running),
    start: async () => {
      running = await serve(port);
      app.hub = running.hub;
    },
    close: async () => {
      if (running.server.listening) await stop(running);
      const ch = await connection.createChannel();
      for (const code of codes) {
        const names = classNames(code);
        await ch.deleteQueue(names.inputs);
        await ch.deleteQueue(names.state);
        await ch.deleteExchange(names.events);
      }
      await ch.close();
    },
  };
  return app;
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | false | null | undefined> | T | false | null | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
