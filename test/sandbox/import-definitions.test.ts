// Import of RabbitMQ definitions files: both forms RabbitMQ writes, what is
// skipped (with a notice saying so), and a 400-worthy error naming the faulty
// entry for every bad file.
import assert from 'node:assert/strict';
import { importDefinitions } from '../../src/sandbox/import-definitions.js';
import { SandboxInputError } from '../../src/sandbox/import-error.js';
import { MAX_BODY_BYTES, MAX_DEPTH } from '../../src/sandbox/limits.js';
import { RUN_LIMITS } from '../../src/limits.js';
import { shopDefinitions, shopDefinitionsText } from './fixtures.js';

function refused(text: string, options: { vhost?: string } = {}): SandboxInputError {
  try {
    importDefinitions(text, options);
  } catch (err) {
    assert.ok(err instanceof SandboxInputError, `expected a SandboxInputError, got ${err}`);
    return err;
  }
  assert.fail('the file was accepted');
}

const notice = (result: ReturnType<typeof importDefinitions>, kind: string) => result.notices.find((n) => n.kind === kind);

describe('importing a definitions file', () => {
  describe('a rabbitmqctl export of one vhost', () => {
    const result = importDefinitions(shopDefinitionsText());
    const topology = result.topology!;

    it('imports the vhost it names, and says which', () => {
      assert.equal(result.vhost, '/');
      assert.deepEqual(result.vhosts, [{ name: '/', exchanges: 6, queues: 7, bindings: 9 }]);
      assert.deepEqual(notice(result, 'vhost')?.items, ['/']);
    });

    it('keeps the exchanges of the four types with their flags and arguments', () => {
      assert.deepEqual(topology.exchanges, [
        {
          name: 'orders',
          type: 'topic',
          durable: true,
          auto_delete: false,
          internal: false,
          arguments: { 'alternate-exchange': 'orders.unrouted' },
        },
        { name: 'orders.unrouted', type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} },
        { name: 'documents', type: 'headers', durable: true, auto_delete: false, internal: false, arguments: {} },
        { name: 'dlx', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} },
      ]);
    });

    it('keeps queue arguments, and says a quorum queue is one with x-queue-type', () => {
      const byName = new Map(topology.queues.map((q) => [q.name, q]));
      assert.deepEqual(byName.get('orders.eu')!.arguments, { 'x-max-length': 1000, 'x-dead-letter-exchange': 'dlx' });
      assert.deepEqual(byName.get('payments')!.arguments, { 'x-queue-type': 'quorum' });
      assert.equal(byName.get('payments')!.durable, true);
      assert.deepEqual([...byName.keys()], ['orders.eu', 'orders.all', 'invoices.pdf', 'unrouted', 'dead', 'payments']);
    });

    it('keeps bindings to queues and to exchanges, with headers arguments, and from the predeclared amq.topic', () => {
      assert.deepEqual(
        topology.bindings.map((b) => [b.source, b.destination, b.destination_type, b.routing_key, b.arguments]),
        [
          ['orders', 'orders.eu', 'queue', 'order.*.eu', {}],
          ['orders', 'orders.all', 'queue', 'order.#', {}],
          ['orders.unrouted', 'unrouted', 'queue', '', {}],
          ['documents', 'invoices.pdf', 'queue', '', { 'x-match': 'all', kind: 'invoice', format: 'pdf' }],
          ['documents', 'orders', 'exchange', '', { 'x-match': 'any', order: true, urgent: 1 }],
          ['dlx', 'dead', 'queue', 'order.created.eu', {}],
          ['amq.topic', 'payments', 'queue', 'payment.#', {}],
        ],
      );
    });

    it('lists the ignored top-level keys that had content', () => {
      assert.deepEqual(notice(result, 'ignored-keys')?.items, [
        'rabbit_version',
        'rabbitmq_version',
        'product_name',
        'product_version',
        'users',
        'vhosts',
        'permissions',
        'global_parameters',
        'policies',
      ]);
    });

    it('skips predeclared exchanges, plugin types, server-named queues and bindings that lead nowhere, each with a notice', () => {
      assert.deepEqual(notice(result, 'predeclared-exchanges')?.items, ['amq.topic']);
      assert.deepEqual(notice(result, 'unsupported-exchange-types')?.items, ['delayed (x-delayed-message)']);
      assert.deepEqual(notice(result, 'server-named-queues')?.items, ['amq.gen-Jx8Wq2Lp0AlH6aZ3bQ']);
      assert.deepEqual(notice(result, 'dangling-bindings')?.items, ['delayed → orders.all (later)', 'audit.internal → orders.all']);
    });
  });

  it('imports a management UI export that has no "vhost" fields', () => {
    const file = {
      exchanges: [{ name: 'logs', type: 'fanout', durable: false, auto_delete: false, internal: false, arguments: {} }],
      queues: [{ name: 'q', durable: false, auto_delete: false, arguments: {} }],
      bindings: [{ source: 'logs', destination: 'q', destination_type: 'queue', routing_key: '', arguments: {} }],
    };
    const result = importDefinitions(JSON.stringify(file));
    assert.equal(result.vhost, null);
    assert.deepEqual(result.vhosts, []);
    assert.deepEqual(result.topology, { exchanges: file.exchanges, queues: file.queues, bindings: file.bindings });
  });

  it('fills omitted fields with RabbitMQ defaults', () => {
    const result = importDefinitions(
      '{"queues": [{"name": "q"}], "exchanges": [{"name": "x", "type": "direct"}], "bindings": [{"source": "x", "destination": "q"}]}',
    );
    assert.deepEqual(result.topology, {
      exchanges: [{ name: 'x', type: 'direct', durable: false, auto_delete: false, internal: false, arguments: {} }],
      queues: [{ name: 'q', durable: false, auto_delete: false, arguments: {} }],
      bindings: [{ source: 'x', destination: 'q', destination_type: 'queue', routing_key: '', arguments: {} }],
    });
  });

  describe('a file with several vhosts', () => {
    const file = shopDefinitions();
    file.exchanges.push({ name: 'billing', vhost: 'finance', type: 'direct', durable: true, auto_delete: false, arguments: {} });
    file.queues.push({ name: 'ledger', vhost: 'finance', durable: true, auto_delete: false, arguments: {} });
    file.bindings.push({
      source: 'billing',
      vhost: 'finance',
      destination: 'ledger',
      destination_type: 'queue',
      routing_key: 'post',
      arguments: {},
    });
    const text = JSON.stringify(file);

    it('lists the vhosts and imports nothing until one is picked', () => {
      const result = importDefinitions(text);
      assert.equal(result.topology, null);
      assert.deepEqual(
        result.vhosts.map((v) => [v.name, v.exchanges, v.queues, v.bindings]),
        [
          ['/', 6, 7, 9],
          ['finance', 1, 1, 1],
        ],
      );
    });

    it('imports only the picked vhost', () => {
      const result = importDefinitions(text, { vhost: 'finance' });
      assert.equal(result.vhost, 'finance');
      assert.deepEqual(
        result.topology!.exchanges.map((x) => x.name),
        ['billing'],
      );
      assert.deepEqual(
        result.topology!.bindings.map((b) => b.routing_key),
        ['post'],
      );
    });

    it('refuses a vhost the file does not have, naming those it has', () => {
      const err = refused(text, { vhost: 'nope' });
      assert.equal(err.path, 'vhost');
      assert.match(err.message, /vhost "nope" is not in the file \(it has "\/", "finance"\)/);
    });
  });

  describe('refuses, naming the faulty entry', () => {
    const withBinding = (patch: Record<string, unknown>) => {
      const file = shopDefinitions();
      Object.assign(file.bindings[3], patch);
      return JSON.stringify(file);
    };

    it('a destination_type that is neither queue nor exchange', () => {
      const err = refused(withBinding({ destination_type: 'topic' }));
      assert.equal(err.path, 'bindings[3].destination_type');
      assert.equal(
        err.message,
        'bindings[3].destination_type must be "queue" or "exchange", not the string "topic" (binding "documents" → "invoices.pdf")',
      );
    });

    it('a field of the wrong type', () => {
      const file = shopDefinitions();
      file.exchanges[1].durable = 'yes';
      const err = refused(JSON.stringify(file));
      assert.equal(err.path, 'exchanges[1].durable');
      assert.equal(err.message, 'exchanges[1].durable must be true or false, not the string "yes" (exchange "orders.unrouted")');
    });

    it('a missing name', () => {
      const err = refused('{"queues": [{"durable": true}]}');
      assert.equal(err.path, 'queues[0].name');
      assert.equal(err.message, 'queues[0].name is required');
    });

    it('arguments that are not an object', () => {
      const err = refused(withBinding({ arguments: ['x-match', 'any'] }));
      assert.equal(err.path, 'bindings[3].arguments');
      assert.match(err.message, /expected an object \(an AMQP field table\)/);
    });

    it('an unknown field in an entry', () => {
      const err = refused(withBinding({ priority: 5 }));
      assert.equal(err.path, 'bindings[3]');
      assert.match(err.message, /^bindings\[3\] has unknown field "priority"/);
    });

    it('an unknown top-level key', () => {
      const err = refused('{"exchanges": [], "exchangez": []}');
      assert.equal(err.path, 'exchangez');
      assert.match(err.message, /"exchangez" is not a key of a RabbitMQ definitions file/);
    });

    it('a list where an object belongs', () => {
      assert.match(refused('[{"name": "x"}]').message, /must be a JSON object/);
      assert.match(refused('{"queues": {"name": "q"}}').message, /^queues must be a list, not an object/);
    });

    it('text that is not JSON, and an empty file', () => {
      assert.match(refused('{"queues": [').message, /^the definitions file is not valid JSON/);
      assert.match(refused('  ').message, /^the definitions file is empty/);
    });

    it('a file over 1 MB', () => {
      const big = JSON.stringify({ queues: [{ name: 'q', arguments: { pad: 'x'.repeat(MAX_BODY_BYTES) } }] });
      assert.match(refused(big).message, /is too large: [\d,]+ bytes \(the limit is 1,048,576 bytes, 1 MB\)/);
    });

    it('nesting deeper than the limit, without recursing into it', () => {
      const deep = `{"queues": [{"name": "q", "arguments": {"a": ${'['.repeat(200_000)}${']'.repeat(200_000)}}}]}`;
      assert.match(refused(deep).message, new RegExp(`nested more than ${MAX_DEPTH} levels deep`));
    });

    it('more entries than the limit', () => {
      const queues = Array.from({ length: 501 }, (_, i) => ({ name: `q${i}` }));
      const err = refused(JSON.stringify({ queues }));
      assert.equal(err.path, 'queues');
      assert.equal(err.message, 'queues has 501 entries: at most 500 queues per run');
    });

    it('a name declared twice', () => {
      const err = refused('{"queues": [{"name": "a"}, {"name": "b"}, {"name": "a"}]}');
      assert.equal(err.path, 'queues[2].name');
      assert.equal(err.message, 'queues[2] declares "a" again (already queues[0])');
    });

    it('entries that name a vhost mixed with entries that do not', () => {
      const err = refused('{"queues": [{"name": "a", "vhost": "/"}, {"name": "b"}]}');
      assert.equal(err.path, 'queues[1].vhost');
    });

    it('a number too large for any AMQP field', () => {
      const err = refused('{"queues": [{"name": "a", "arguments": {"x-max-length": 1e400}}]}');
      assert.equal(err.path, 'queues[0].arguments.x-max-length');
      assert.match(err.message, /the number Infinity cannot be encoded as an AMQP field value/);
    });

    it('a name longer than an AMQP shortstr', () => {
      const err = refused(JSON.stringify({ exchanges: [{ name: 'é'.repeat(128), type: 'direct' }] }));
      assert.equal(err.path, 'exchanges[0].name');
      assert.match(err.message, /too long: at most 255 bytes \(UTF-8\), the AMQP limit for names and keys/);
    });
  });

  it('refuses a "__proto__" argument by name (as a run does), and pollutes nothing', () => {
    const err = refused('{"queues": [{"name": "q", "arguments": {"__proto__": {"polluted": 1}}}]}');
    assert.equal(err.path, 'queues[0].arguments.__proto__');
    assert.match(err.message, /the key "__proto__" is not allowed/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('imports as many queues as one run allows, and refuses one more with the limit as data', () => {
    const queues = (n: number) => JSON.stringify({ queues: Array.from({ length: n }, (_, i) => ({ name: `q${i}` })) });
    assert.equal(importDefinitions(queues(RUN_LIMITS.queues)).topology!.queues.length, RUN_LIMITS.queues);
    assert.throws(
      () => importDefinitions(queues(RUN_LIMITS.queues + 1)),
      (err: SandboxInputError) => {
        assert.deepEqual(err.limit, { what: 'queues', max: RUN_LIMITS.queues, count: RUN_LIMITS.queues + 1 });
        return true;
      },
    );
  });
});
