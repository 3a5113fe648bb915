// What the fault tests share: a run whose answer is known (RabbitMQ tutorial
// 5), HTTP calls that never hang (a hang is a failure with a message), and
// polling until the server reports its broker back.
import assert from 'node:assert/strict';
import { tutorial5Definitions } from '../helpers/tutorial5.js';

/** RabbitMQ tutorial 5: Q1 gets *.orange.*, Q2 gets *.*.rabbit and lazy.#; message 4 is lazy.pink.rabbit. */
export const tutorial5 = {
  name: 'tutorial 5',
  definitions: tutorial5Definitions,
  messages: ['quick.orange.rabbit', 'lazy.orange.elephant', 'quick.orange.fox', 'lazy.brown.fox', 'lazy.pink.rabbit'].map(
    (routing_key) => ({
      exchange: 'topic_logs',
      routing_key,
      payload: routing_key,
    }),
  ),
};

/** Where tutorial5's messages must end up. */
export const tutorial5Queues = { Q1: [0, 1, 2], Q2: [0, 1, 3, 4] };

export interface JsonAnswer {
  status: number;
  body: any;
}

/** fetch with a JSON body and answer; a request that takes longer than `timeoutMs` fails the test. */
export async function call(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  timeoutMs = 30_000,
): Promise<JsonAnswer> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET /healthz until it answers `status` (200: broker connected, 503: away). */
export async function waitForHealth(base: string, status: 200 | 503, timeoutMs = 30_000): Promise<JsonAnswer> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const answer = await call(`${base}/healthz`, {}, 5000).catch((err: Error) => ({ status: 0, body: err.message }));
    if (answer.status === status) return answer;
    if (Date.now() > until)
      assert.fail(`/healthz did not answer ${status} within ${timeoutMs} ms (last: ${answer.status} ${JSON.stringify(answer.body)})`);
    await sleep(200);
  }
}

/** A run of tutorial 5 answered in full, as on a healthy broker. */
export function assertTutorialOutcome(answer: JsonAnswer): void {
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.setup_error, null);
  assert.deepEqual(answer.body.queues, tutorial5Queues);
}
