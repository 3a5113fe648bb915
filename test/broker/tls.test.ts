// amqps:// with a custom CA, as on a hosted or self-hosted broker: a TLS
// proxy on loopback (certificate signed by a CA made here) in front of the
// machine's RabbitMQ.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { readConfig } from '../../src/config.js';
import { selectBroker } from '../../src/broker/select-broker.js';
import { requireRabbit } from '../helpers/rabbitmq.js';

function makeCertificates(dir: string, name: string): { ca: string; key: string; cert: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${name} test CA`,
    '-keyout',
    `${name}-ca.key`,
    '-out',
    `${name}-ca.pem`,
  );
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', `${name}.key`, '-out', `${name}.csr`);
  writeFileSync(path.join(dir, `${name}.ext`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${name}-ca.pem`,
    '-CAkey',
    `${name}-ca.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  );
  return { ca: path.join(dir, `${name}-ca.pem`), key: path.join(dir, `${name}.key`), cert: path.join(dir, `${name}.pem`) };
}

describe('amqps:// with a custom CA', function () {
  this.timeout(30000);
  let dir: string;
  let proxy: tls.Server;
  let port: number;
  let trusted: { ca: string };
  let stranger: { ca: string };

  before(async function () {
    await requireRabbit(this);
    dir = mkdtempSync(path.join(tmpdir(), 'playground-tls-'));
    const server = makeCertificates(dir, 'server');
    trusted = server;
    stranger = makeCertificates(dir, 'other');
    proxy = tls.createServer({ key: readFileSync(server.key), cert: readFileSync(server.cert) }, (client) => {
      const upstream = net.connect(5672, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end);
      upstream.on('error', end);
      client.on('close', end);
      upstream.on('close', end);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    port = (proxy.address() as net.AddressInfo).port;
  });

  after(() => {
    proxy?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects through TLS when AMQP_CA_FILE names the CA', async () => {
    const config = readConfig({ BROKER: 'rabbitmq', AMQP_URL: `amqps://guest:guest@localhost:${port}`, AMQP_CA_FILE: trusted.ca });
    const { broker, connection } = await selectBroker(config);
    try {
      assert.equal(broker.kind, 'rabbitmq');
      const channel = await connection!.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      assert.match(queue, /^amq\.gen-/);
      await channel.close();
      assert.equal(broker.status().url, `amqps://guest:***@localhost:${port}`);
    } finally {
      await broker.close();
    }
  });

  it('refuses a server whose certificate another CA signed, and says why', async () => {
    const config = readConfig({ BROKER: 'rabbitmq', AMQP_URL: `amqps://guest:guest@localhost:${port}`, AMQP_CA_FILE: stranger.ca });
    await assert.rejects(selectBroker(config), (err: Error) => {
      assert.match(err.message, /TLS: the server's certificate is not trusted/);
      assert.doesNotMatch(err.message, /guest:guest/);
      return true;
    });
  });

  it('falls back to the embedded broker under BROKER=auto, naming the TLS problem', async () => {
    const config = readConfig({ AMQP_URL: `amqps://guest:guest@localhost:${port}`, AMQP_CA_FILE: stranger.ca });
    const { broker, notice } = await selectBroker(config);
    assert.equal(broker.kind, 'embedded');
    assert.match(notice, /certificate is not trusted/);
  });
});
