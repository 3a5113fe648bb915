// Operating the server for a class: one structured (pino, JSON) log line per
// request carrying the request id the client saw in X-Request-Id, without
// the query string (it may carry user text), and /healthz for a probe.
import assert from 'node:assert/strict';
import { startServer } from '../../tools/server-process.js';
import { call, tutorial5 } from './fault-kit.js';

describe('the server’s logs and health for operators', function () {
  this.timeout(30_000);

  it('logs one JSON line per request with the id the client got, its status and duration, and no query string', async () => {
    const server = await startServer({ BROKER: 'embedded' });
    const ids: Record<string, string> = {};
    try {
      for (const [what, path, init] of [
        ['health', '/healthz', {}],
        ['page', '/scenarios/topic?lang=fr&step=2&note=private-words', {}],
        ['refused', '/api/run', { body: { definitions: { queues: 'nope' } } }],
        ['run', '/api/run', { body: tutorial5 }],
      ] as const) {
        const res = await fetch(`${server.url}${path}`, {
          method: 'body' in init ? 'POST' : 'GET',
          headers: { 'content-type': 'application/json' },
          ...('body' in init ? { body: JSON.stringify(init.body) } : {}),
        });
        await res.arrayBuffer();
        ids[what] = res.headers.get('x-request-id')!;
        assert.match(ids[what], /^[0-9a-f-]{36}$/);
      }
      assert.equal(new Set(Object.values(ids)).size, 4, 'a new id per request');
      assert.equal((await call(`${server.url}/healthz`)).body.status, 'ok');
    } finally {
      await server.stop();
    }
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = (id: string) => lines.find((l) => l.reqId === id && l.msg === 'request');
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(ids).map(([what, id]) => [what, { method: line(id)?.method, path: line(id)?.path, status: line(id)?.status }]),
      ),
      {
        health: { method: 'GET', path: '/healthz', status: 200 },
        page: { method: 'GET', path: '/scenarios/topic', status: 200 },
        refused: { method: 'POST', path: '/api/run', status: 400 },
        run: { method: 'POST', path: '/api/run', status: 200 },
      },
    );
    for (const id of Object.values(ids)) {
      assert.equal(typeof line(id)!.ms, 'number');
      assert.equal(typeof line(id)!.time, 'number');
      assert.equal(line(id)!.level, 30);
    }
    assert.doesNotMatch(server.output(), /private-words/);
  });
});
