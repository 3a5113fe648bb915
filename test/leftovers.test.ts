// After every other test file has run: nothing a run declared may remain on
// the broker. This is a root-level after() hook (mocha runs those once all
// tests of all files are done), so it really comes last.
//
// Other test processes on the same machine may be mid-run right now: an
// entity counts as left over only if it is still there a few seconds later
// (a run lives well under a second).
import assert from 'node:assert/strict';
import { RUN_VHOST_PREFIX } from '../src/broker/rabbitmq/run-vhosts.js';
import { closeRunVhosts, rabbitRequired, rabbitConnection } from './helpers/rabbitmq.js';
import { listNames } from '../tools/rabbitmqctl.js';

async function namespaced(): Promise<string[]> {
  const [queues, exchanges, vhosts] = await Promise.all([listNames('queues'), listNames('exchanges'), listNames('vhosts')]);
  return [
    ...queues.map((q) => `queue ${q}`).filter((n) => / xtp\./.test(n)),
    ...exchanges.map((x) => `exchange ${x}`).filter((n) => / xtp\./.test(n)),
    ...vhosts.filter((v) => v.startsWith(RUN_VHOST_PREFIX)).map((v) => `vhost ${v}`),
  ];
}

after('no xtp.* queue or exchange, no run vhost is left on RabbitMQ', async function () {
  this.timeout(60_000);
  if (!(await rabbitConnection().catch(() => null))) return; // no broker here (in CI the suites themselves fail)
  // The tests' vhosts per run go first (their pool lives for the whole test process).
  await closeRunVhosts();
  let left: string[];
  try {
    left = await namespaced();
  } catch (err) {
    if (rabbitRequired) throw new Error(`rabbitmqctl is needed to look for leftovers: ${(err as Error).message}`, { cause: err });
    console.warn(`      rabbitmqctl unavailable, leftovers not checked: ${(err as Error).message}`);
    return;
  }
  for (let look = 0; look < 3 && left.length > 0; look++) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const now = new Set(await namespaced());
    left = left.filter((n) => now.has(n));
  }
  assert.deepEqual(left, [], `left on the broker after the tests:\n${left.join('\n')}`);
});
