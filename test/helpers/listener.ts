// The embedded broker's AMQP listener for a test process, as `npm start`
// runs it with BROKER=embedded: started on first use, with one amqplib
// connection to it (the app's own client connection: chat, consumer plays,
// classes), both closed after all tests.
import { AmqpConnection } from '../../src/broker/amqp-connection.js';
import { startAmqpServer, type AmqpServer } from '../../src/amqp-server/amqp-server.js';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';

let listener: Promise<{ server: AmqpServer; connection: AmqpConnection }> | null = null;

function started(): Promise<{ server: AmqpServer; connection: AmqpConnection }> {
  listener ??= (async () => {
    const server = await startAmqpServer({ port: 0, host: '127.0.0.1' });
    const connection = new AmqpConnection(`amqp://guest:guest@127.0.0.1:${server.port}`, { connectionName: 'app-on-listener' });
    await connection.start(5000);
    return { server, connection };
  })();
  return listener;
}

/** Where programs would connect to this process's listener. */
export async function listenerUrl(): Promise<string> {
  return (await started()).server.url;
}

/** The app's connection to this process's listener. */
export async function listenerConnection(): Promise<AmqpConnection> {
  return (await started()).connection;
}

after(async () => {
  if (!listener) return;
  const { server, connection } = await listener;
  listener = null;
  await connection.close();
  await server.close();
});

/** The embedded broker's services as `npm start` makes them: the engine for runs, the listener connection for consumer plays. */
export async function embeddedServices(): Promise<{ broker: EmbeddedBroker; connection: AmqpConnection }> {
  return { broker: new EmbeddedBroker(), connection: await listenerConnection() };
}
