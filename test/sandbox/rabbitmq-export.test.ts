// The sandbox's exports on a real RabbitMQ: the definitions file, loaded with
// `rabbitmqctl import_definitions` into a fresh vhost, and the amqplib code,
// run in another, route a set of messages exactly as the sandbox (the
// embedded engine, through POST /api/run) said. RabbitMQ's own export of
// those vhosts then imports back into the sandbox as the same topology.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import request from 'supertest';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import type { RunOutcome } from '../../src/engine/types.js';
import { importDefinitions } from '../../src/sandbox/import-definitions.js';
import { normalizeState } from '../../src/sandbox/sandbox-state.js';
import { createApp } from '../../src/web/app.js';
import { requireRabbit } from '../helpers/rabbitmq.js';
import { rabbitmqctl, rabbitmqctlWithInput } from '../../tools/rabbitmqctl.js';
import { ScratchVhost } from './scratch-vhost.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Topic with an alternate exchange, headers (all / any), fanout into an
// internal exchange (e2e), a max-length queue dead-lettering, the default
// exchange, mandatory returns.
const state = normalizeState({
  topology: {
    exchanges: [
      { name: 'logs', type: 'topic', arguments: { 'alternate-exchange': 'unrouted' } },
      { name: 'unrouted', type: 'fanout' },
      { name: 'docs', type: 'headers' },
      { name: 'fan', type: 'fanout' },
      { name: 'hidden', type: 'direct', internal: true },
      { name: 'dlx', type: 'direct' },
    ],
    queues: [
      { name: 'errors' },
      { name: 'kern' },
      { name: 'lost' },
      { name: 'pdf-reports' },
      { name: 'pdf-or-urgent' },
      { name: 'short', arguments: { 'x-max-length': 1, 'x-dead-letter-exchange': 'dlx', 'x-dead-letter-routing-key': 'dead' } },
      { name: 'dead' },
      { name: 'via-hidden' },
    ],
    bindings: [
      { source: 'logs', destination: 'errors', routing_key: '#.error' },
      { source: 'logs', destination: 'kern', routing_key: 'kern.*' },
      { source: 'unrouted', destination: 'lost' },
      { source: 'docs', destination: 'pdf-reports', arguments: { 'x-match': 'all', format: 'pdf', type: 'report' } },
      { source: 'docs', destination: 'pdf-or-urgent', arguments: { 'x-match': 'any', format: 'pdf', urgent: true } },
      { source: 'fan', destination: 'short' },
      { source: 'fan', destination: 'hidden', destination_type: 'exchange' },
      { source: 'hidden', destination: 'via-hidden', routing_key: 'k' },
      { source: 'dlx', destination: 'dead', routing_key: 'dead' },
    ],
  },
  messages: [
    { exchange: 'logs', routing_key: 'kern.error' },
    { exchange: 'logs', routing_key: 'app.error' },
    { exchange: 'logs', routing_key: 'app.info', mandatory: true },
    { exchange: 'docs', properties: { headers: { format: 'pdf', type: 'report' } } },
    { exchange: 'docs', properties: { headers: { format: 'txt', urgent: true } } },
    { exchange: 'docs', properties: { headers: { format: 'txt' } }, mandatory: true },
    { exchange: 'fan', routing_key: 'k' },
    { exchange: 'fan', routing_key: 'x' },
    { exchange: '', routing_key: 'kern' },
    { exchange: 'logs', routing_key: 'kern.info' },
  ],
});
// Each payload is the message's index: that is how drained messages are told apart.
state.messages.forEach((m, i) => (m.payload = String(i)));
const queueNames = state.topology.queues.map((q) => q.name);
const exchangeNames = state.topology.exchanges.map((x) => x.name);
const toPublish = state.messages.map((m) => ({ ...m, headers: m.properties.headers }));

describe('sandbox exports on a real RabbitMQ', function () {
  this.timeout(90_000);
  const app = createApp({ broker: new EmbeddedBroker(), rateLimit: { perSecond: 1e9, burst: 1e9 } });
  const fromFile = new ScratchVhost();
  const fromCode = new ScratchVhost();
  const workDir = path.join(root, 'test-output', `sandbox-${fromCode.name}`);
  let said: RunOutcome;
  let exported: { definitions: unknown; code: string };

  before(async function () {
    await requireRabbit(this);
    const run = await request(app).post('/api/run').send({ definitions: state.topology, messages: state.messages });
    assert.equal(run.status, 200);
    said = run.body;
    assert.equal(said.setup_error, null);
    const res = await request(app)
      .post('/api/sandbox/export')
      .send({ ...state, vhost: fromFile.name });
    assert.equal(res.status, 200);
    exported = res.body;
    // Each rabbitmqctl call starts an Erlang VM: the two vhosts are made side by side.
    await Promise.all([fromFile.create(), fromCode.create()]);
    mkdirSync(workDir, { recursive: true });
  });

  after(async () => {
    rmSync(workDir, { recursive: true, force: true });
    await Promise.all([fromFile.delete(), fromCode.delete()]);
  });

  it('the sandbox says where each message goes (the expectations of this test)', () => {
    assert.deepEqual(said.queues, {
      errors: [0, 1],
      kern: [0, 8, 9],
      lost: [2],
      'pdf-reports': [3],
      'pdf-or-urgent': [3, 4],
      short: [7],
      dead: [6],
      'via-hidden': [6],
    });
    assert.deepEqual(said.returned, [5]);
  });

  it('rabbitmqctl import_definitions of the export routes every message as the sandbox said', async () => {
    // On standard input: rabbitmqctl runs as the rabbitmq user, who may not read this clone's folder.
    await rabbitmqctlWithInput(JSON.stringify(exported.definitions), 'import_definitions', '--format', 'json');
    await fromFile.waitFor(queueNames, exchangeNames);
    const returned = await fromFile.publish(toPublish);
    assert.deepEqual(await fromFile.drain(queueNames), said.queues);
    assert.deepEqual(returned, said.returned);
  });

  it('the amqplib code declares the same topology and its messages route as the sandbox said', async () => {
    const script = path.join(workDir, 'topology.mjs');
    writeFileSync(script, exported.code);
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      env: { ...process.env, AMQP_URL: fromCode.url },
      timeout: 30_000,
    });
    assert.deepEqual(await fromCode.drain(queueNames), said.queues);
    const returnedKeys = said.returned!.map((i) => {
      const m = state.messages[i];
      return `returned, no queue: exchange ${JSON.stringify(m.exchange)}, routing key ${JSON.stringify(m.routing_key)}`;
    });
    assert.deepEqual(stdout.trim().split('\n').filter(Boolean), returnedKeys);
  });

  it('RabbitMQ’s own export of both vhosts imports back as the same topology, internal exchanges aside', async () => {
    const text = await rabbitmqctl('export_definitions', '-');
    // RabbitMQ 3.10 leaves internal exchanges out of its exports (and keeps the bindings that use them).
    const expected = {
      ...state.topology,
      exchanges: state.topology.exchanges.filter((x) => !x.internal),
      bindings: state.topology.bindings.filter((b) => b.source !== 'hidden' && b.destination !== 'hidden'),
    };
    const byName = <T extends { name: string }>(list: T[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
    const byEnds = <T extends { source: string; destination: string }>(list: T[]) =>
      [...list].sort((a, b) => `${a.source}>${a.destination}`.localeCompare(`${b.source}>${b.destination}`));
    for (const vhost of [fromFile, fromCode]) {
      const result = importDefinitions(text, { vhost: vhost.name });
      const topology = result.topology!;
      assert.deepEqual(byName(topology.exchanges), byName(expected.exchanges), vhost.name);
      assert.deepEqual(byName(topology.queues), byName(expected.queues), vhost.name);
      assert.deepEqual(byEnds(topology.bindings), byEnds(expected.bindings), vhost.name);
      assert.deepEqual(result.notices.find((n) => n.kind === 'dangling-bindings')?.items, ['fan → hidden', 'hidden → via-hidden (k)']);
    }
  });
});
