// With the embedded broker the chat talks AMQP to the server's own listener,
// so an outside program joins it as it would on RabbitMQ: the report's pika
// chat, exactly as printed, talks with a tab — the server started as
// `npm start` starts it, no RabbitMQ involved.
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startServer, type ServerProcess } from '../../tools/server-process.js';
import { runProgram, type Program } from '../../tools/tutorial-program.js';
import { call } from '../classroom/fault-kit.js';
import { LiveTestClient, uniqueName } from '../chat/fixture.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('the chat on the embedded broker, reached over its AMQP listener', function () {
  this.timeout(60_000);
  let server: ServerProcess;
  let amqpPort: number;
  let program: Program | null = null;
  let tab: LiveTestClient | null = null;

  before(async () => {
    amqpPort = await freePort();
    server = await startServer({ BROKER: 'embedded', AMQP_LISTEN: String(amqpPort) });
  });

  after(async () => {
    await tab?.close();
    await program?.stop();
    await server?.stop();
  });

  it('the report’s pika chat, as printed, and a tab talk to each other', async () => {
    const base = server.url.replace('localhost', '127.0.0.1');
    const naming = await call(`${base}/api/chat/naming`);
    assert.equal(naming.body.url, `amqp://localhost:${amqpPort}`, 'the page tells programs where to connect');
    assert.equal(naming.body.broker, 'listener');
    const page = await call(`${base}/chat?lang=fr`);
    assert.match(String(page.body), new RegExp(`votre propre programme rejoint ce chat à l’adresse amqp://localhost:${amqpPort}`));

    const mehdi = uniqueName('Mehdi');
    const joined = await call(`${base}/api/chat/session`, { body: { name: mehdi, inbox: 'task_queue1' } });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    tab = new LiveTestClient(base, joined.body.token);
    await tab.opened;

    program = runProgram(
      [
        '/usr/bin/python3',
        '-u',
        path.join(root, 'test/python/report-chat.py'),
        '--url',
        `amqp://guest:guest@localhost:${amqpPort}`,
        '--inbox',
        'task_queue2',
        '--peer',
        'task_queue1',
      ],
      'report-chat.py',
    );
    await program.waitFor(/online/, 15_000);
    program.send('Hi from pika');
    await program.waitFor(/YOU -- Hi from pika/, 15_000);
    await tab.waitForText('Hi from pika', 15_000);

    const sent = await call(`${base}/api/chat/messages`, {
      body: { id: randomUUID(), to: { kind: 'queue', name: 'task_queue2' }, text: 'Hi How Are you' },
      headers: { authorization: `Bearer ${joined.body.token}` },
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    await program.waitFor(new RegExp(`${mehdi} -- Hi How Are you`), 15_000);
  });
});
