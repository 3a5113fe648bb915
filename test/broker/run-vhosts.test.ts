// A vhost per run on the machine's RabbitMQ (src/broker/rabbitmq/run-vhosts.ts):
// names exact, what a run made (amq.* bindings included) gone before the
// next run in the same vhost, a dead server's vhosts swept, nothing left.
import assert from 'node:assert/strict';
import { ManagementApi } from '../../src/broker/rabbitmq/management-api.js';
import { RUN_VHOST_PREFIX, RunVhosts } from '../../src/broker/rabbitmq/run-vhosts.js';
import { RabbitMqBroker } from '../../src/broker/rabbitmq-broker.js';
import { connected } from '../helpers/connected.js';
import { AMQP_URL, requireRabbit, requireRunVhosts } from '../helpers/rabbitmq.js';
import { rabbitmqctl } from '../../tools/rabbitmqctl.js';

const runVhostsOn = (api: ManagementApi) => api.vhostNames().then((names) => names.filter((n) => n.startsWith(RUN_VHOST_PREFIX)));

describe('a vhost per run on RabbitMQ', function () {
  this.timeout(30_000);
  let api: ManagementApi;
  let vhosts: RunVhosts;
  let broker: RabbitMqBroker;
  before(async function () {
    api = (await requireRunVhosts(this)).api;
    // A pool of one, so that consecutive runs share the vhost.
    vhosts = new RunVhosts(api, AMQP_URL, {}, 1);
    await vhosts.start();
    broker = new RabbitMqBroker(await connected(await requireRabbit(this)), { vhosts, predict: () => null });
  });
  after(async () => {
    await vhosts?.close();
  });

  it('keeps the names exactly: a refusal names the queue as declared, in the run’s own vhost', async () => {
    const outcome = await broker.run({
      definitions: {
        queues: [
          { name: 'orders', arguments: { 'x-max-length': 1 } },
          { name: 'orders', arguments: { 'x-max-length': 2 } },
        ],
      },
      messages: [],
    });
    assert.equal(outcome.setup_error?.code, 406);
    // The vhost is named "/" in the broker's words, as on a broker of one's own.
    assert.equal(
      outcome.setup_error?.message,
      "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'orders' in vhost '/': received '2' but current is '1'",
    );
  });

  /** The vhost is emptied after the answer: until it is back, a run would get another one. */
  const oneWaiting = async () => {
    for (let i = 0; i < 100 && vhosts.waiting !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(vhosts.waiting, 1);
  };

  it('leaves nothing of a run to the next one in the same vhost, amq.* bindings included', async () => {
    await oneWaiting();
    const first = await broker.run({
      definitions: {
        queues: [{ name: 'q' }],
        bindings: [
          { source: 'amq.direct', destination: 'amq.fanout', destination_type: 'exchange', routing_key: 'k' },
          { source: 'amq.fanout', destination: 'q' },
        ],
      },
      messages: [{ exchange: 'amq.direct', routing_key: 'k', payload: 'one', mandatory: true }],
    });
    assert.deepEqual(first.queues, { q: [0] });
    await oneWaiting();
    const second = await broker.run({
      definitions: { queues: [{ name: 'q' }], bindings: [{ source: 'amq.fanout', destination: 'q' }] },
      messages: [{ exchange: 'amq.direct', routing_key: 'k', payload: 'two', mandatory: true }],
    });
    // amq.direct → amq.fanout was unbound: the message is unroutable, not in q.
    assert.deepEqual(second.queues, { q: [] });
    assert.deepEqual(second.returned, [0]);
  });

  it('sweeps the vhosts a dead server left (older than a minute, no connection), not a live one’s', async () => {
    const dead = `${RUN_VHOST_PREFIX}${(Date.now() - 120_000).toString(36)}-testdead`;
    const young = `${RUN_VHOST_PREFIX}${Date.now().toString(36)}-testyoung`;
    try {
      await api.createVhost(dead);
      await api.createVhost(young);
      const swept = await vhosts.sweep();
      assert.ok(swept.includes(dead), `swept ${JSON.stringify(swept)}`);
      const left = await runVhostsOn(api);
      assert.ok(!left.includes(dead));
      assert.ok(left.includes(young));
    } finally {
      await api.deleteVhost(dead);
      await api.deleteVhost(young);
    }
  });

  it('says why it cannot when the user may not create vhosts (no administrator tag), and makes none', async () => {
    const user = `xtp-test-${Date.now().toString(36)}`;
    await rabbitmqctl('add_user', user, 'pw');
    try {
      // A management user (the API answers it) who is no administrator.
      await rabbitmqctl('set_user_tags', user, 'management');
      const base = new URL(api.baseUrl);
      const plain = new RunVhosts(new ManagementApi(base.toString().replace(/\/$/, ''), user, 'pw'), AMQP_URL);
      await assert.rejects(plain.start(), new RegExp(`the user ${user} may not create vhosts \\(that takes the administrator tag\\)`));
      await plain.close();
    } finally {
      await rabbitmqctl('delete_user', user);
    }
  });

  it('deletes its vhosts when closed, and one given back after', async () => {
    const own = new RunVhosts(api, AMQP_URL);
    await own.start();
    const [a, b] = [await own.take(), await own.take()];
    own.giveBack(a);
    // b's run ends while the server stops: close() waits for it, and it goes too.
    const closing = own.close();
    own.giveBack(b);
    await closing;
    const left = await runVhostsOn(api);
    assert.ok(!left.includes(a.name) && !left.includes(b.name), `left: ${JSON.stringify(left)}`);
  });
});
