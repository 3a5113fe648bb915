// Thousands of random and mutated bodies against the endpoints that take
// user input — POST /api/run, the sandbox's import, export, link and
// scenario endpoints, the chat's session and messages, and frames on the
// chat's WebSocket: never a 5xx, never a crash, never a hang, and every
// refusal is a JSON {"error": {"message"}}. Each endpoint gets seeds (valid
// bodies) that are mutated; a failure prints (seed, index) to replay it.
// The bulk runs on the embedded broker (fast); a shorter pass runs the run
// and chat endpoints on RabbitMQ, in a vhost of its own deleted afterwards.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { AmqpConnection } from '../src/broker/amqp-connection.js';
import type { Broker } from '../src/broker/broker.js';
import { EmbeddedBroker } from '../src/broker/embedded-broker.js';
import { RabbitMqBroker } from '../src/broker/rabbitmq-broker.js';
import { ChatHub } from '../src/chat/chat-hub.js';
import { AmqpChat } from '../src/chat/amqp-chat.js';
import { normalizeState } from '../src/sandbox/sandbox-state.js';
import { encodeShareLink } from '../src/sandbox/share-link.js';
import { createApp } from '../src/web/app.js';
import { brokenJson, mutate, prng, randomValue } from './helpers/fuzz.js';
import { conformanceDir } from './helpers/conformance.js';
import { AMQP_URL, requireRabbit } from './helpers/rabbitmq.js';
import { shopDefinitions } from './sandbox/fixtures.js';
import { tutorialState } from './sandbox/tutorial.js';
import { ClassVhost } from '../tools/classroom-load/after-class.js';
import { embeddedChatHub } from './chat/fixture.js';

// 16,000 bodies: two thirds (> 10,000) to /api/run, the sandbox import and the chat endpoints, the rest to the other sandbox endpoints.
const TOTAL = Number(process.env.FUZZ_BODIES ?? 16_000);
const RABBIT_TOTAL = Number(process.env.FUZZ_RABBIT_BODIES ?? 2000);
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);

interface Target {
  path: string;
  seeds: unknown[];
  /** Headers for one request (the chat's Authorization, mostly valid, sometimes damaged or absent). */
  headers?: (rand: () => number) => Record<string, string>;
  /** Mutations that only make sense for this endpoint (a damaged link). */
  extra?: (seed: unknown, rand: () => number) => unknown;
  /** Share of the bodies, relative to the others (default 1). */
  weight?: number;
}

function runSeeds(): unknown[] {
  const dir = path.join(conformanceDir(), 'cases');
  return readdirSync(dir).flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown[]);
}

/** Conformance cases as sandbox states: {topology, messages}. */
function sandboxStates(cases: unknown[]): { topology: unknown; messages: unknown }[] {
  const states = cases.slice(0, 30).map((c) => {
    const { definitions, messages } = c as { definitions?: Record<string, unknown>; messages?: unknown[] };
    return {
      topology: { exchanges: definitions?.exchanges ?? [], queues: definitions?.queues ?? [], bindings: definitions?.bindings ?? [] },
      messages: messages ?? [],
    };
  });
  return [tutorialState(), ...states];
}

/** One character of the link changed, cut or doubled: what a mangled copy-paste does. */
function damageLink(seed: unknown, rand: () => number): unknown {
  const link = (seed as { link: string }).link;
  const at = Math.floor(rand() * link.length);
  const kind = rand();
  if (kind < 0.4) return { link: link.slice(0, at) + String.fromCharCode(33 + Math.floor(rand() * 90)) + link.slice(at + 1) };
  if (kind < 0.7) return { link: link.slice(0, at) };
  return { link: link + link.slice(at) };
}

function targets(tokens: { chat: string }): Target[] {
  const cases = runSeeds();
  const states = sandboxStates(cases);
  const chatAuth = (rand: () => number): Record<string, string> => {
    const r = rand();
    if (r < 0.9) return { authorization: `Bearer ${tokens.chat}` };
    if (r < 0.95) return { authorization: `Bearer ${tokens.chat.slice(0, Math.floor(rand() * tokens.chat.length))}` };
    return {};
  };
  return [
    { path: '/api/run', seeds: cases.slice(0, 60), weight: 2 },
    {
      path: '/api/sandbox/import',
      seeds: [shopDefinitions(), ...cases.slice(0, 20).map((c) => (c as { definitions: unknown }).definitions)],
      weight: 2,
    },
    { path: '/api/sandbox/export', seeds: states.map((s) => ({ ...s, vhost: '/' })) },
    { path: '/api/sandbox/link', seeds: states.map((s, i) => ({ ...s, selected: i % 2 })) },
    {
      path: '/api/sandbox/link/open',
      seeds: states.slice(0, 10).map((s) => ({ link: encodeShareLink(normalizeState(s as never)) })),
      extra: damageLink,
    },
    { path: '/api/sandbox/scenario', seeds: states.slice(0, 5).map((s, i) => ({ ...s, title: `Fuzzed ${i}`, description: 'seed' })) },
    {
      path: '/api/chat/session',
      seeds: [
        { name: 'Fuzzy', room: 'lobby' },
        { name: 'Fuzz_é', room: 'r2', inbox: 'task_queue1' },
        { name: 'Zoë', token: tokens.chat },
      ],
      weight: 2,
    },
    {
      path: '/api/chat/messages',
      seeds: [
        { id: 'fuzz-1', to: { kind: 'room' }, text: 'hello' },
        { id: 'f2', to: { kind: 'person', name: 'Fuzzer' }, text: 'to myself' },
        { id: 'f3', to: { kind: 'queue', name: 'chat.Fuzzer' }, text: 'by queue' },
      ],
      headers: chatAuth,
      weight: 2,
    },
  ];
}

/** The next body for a target: mostly a mutated seed, some random values, some broken JSON, a few seeds as they are. */
function nextBody(target: Target, rand: () => number): string {
  const seed = target.seeds[Math.floor(rand() * target.seeds.length)];
  const r = rand();
  if (r < 0.05) return JSON.stringify(seed);
  if (target.extra && r < 0.3) return JSON.stringify(target.extra(seed, rand));
  if (r < 0.75) return JSON.stringify(mutate(seed, rand));
  if (r < 0.9) return JSON.stringify(randomValue(rand));
  return brokenJson(rand, JSON.stringify(seed));
}

interface Tally {
  byTarget: Map<string, Map<number, number>>;
}

async function fuzz(base: string, all: Target[], total: number, seed: number): Promise<Tally> {
  const rand = prng(seed);
  const byTarget = new Map<string, Map<number, number>>();
  const schedule = all.flatMap((t) => Array<Target>(t.weight ?? 1).fill(t));
  for (let i = 0; i < total; i++) {
    const target = schedule[i % schedule.length];
    const body = nextBody(target, rand);
    const headers = { 'content-type': rand() < 0.9 ? 'application/json' : 'text/plain', ...target.headers?.(rand) };
    let status: number;
    try {
      const res = await fetch(base + target.path, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      status = res.status;
      const text = await res.text();
      if (status >= 400) {
        const parsed = JSON.parse(text);
        assert.equal(typeof parsed.error?.message, 'string', `error body without a message: ${text.slice(0, 200)}`);
      }
    } catch (err) {
      throw new Error(`body #${i} (seed ${seed}) to ${target.path} failed: ${(err as Error).message}\n${body.slice(0, 500)}`, {
        cause: err,
      });
    }
    const statuses = byTarget.get(target.path) ?? new Map<number, number>();
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    byTarget.set(target.path, statuses);
    assert.ok(status < 500, `body #${i} (seed ${seed}) to ${target.path} got ${status}:\n${body.slice(0, 500)}`);
  }
  return { byTarget };
}

/** Every endpoint both accepted and refused some bodies, or the fuzzer is not exercising it. */
function assertExercised(tally: Tally, all: Target[]): void {
  for (const { path: p } of all) {
    const statuses = tally.byTarget.get(p) ?? new Map();
    console.log(
      `        ${p}: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([status, n]) => `${n} × ${status}`)
        .join(', ')}`,
    );
    const ok = [...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
    assert.ok(ok > 0, `${p}: no body accepted: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(400) ?? 0) > 0, `${p}: no body refused: ${JSON.stringify([...statuses])}`);
  }
}

/** An app with a chat on a real port; answers its URL and a chat token for "Fuzzer". */
async function serve(
  broker: Broker,
  hub: ChatHub,
  connection?: AmqpConnection,
): Promise<{ server: http.Server; base: string; token: string }> {
  const server = http.createServer(
    createApp({ broker, chat: hub, connection: connection ?? null, rateLimit: { perSecond: 1e9, burst: 1e9 } }),
  );
  hub.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const res = await fetch(`${base}/api/chat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Fuzzer' }),
  });
  assert.equal(res.status, 200);
  return { server, base, token: ((await res.json()) as { token: string }).token };
}

describe('fuzzing the endpoints that take user input', function () {
  this.timeout(300_000);

  describe('on the embedded broker', () => {
    let server: http.Server;
    let base: string;
    let token: string;
    let hub: ChatHub;

    before(async () => {
      hub = await embeddedChatHub();
      ({ server, base, token } = await serve(new EmbeddedBroker(), hub));
    });
    after(async () => {
      await hub?.close();
      server?.closeAllConnections();
      server?.close();
    });

    it(`answers ${TOTAL} random and mutated bodies to the run, sandbox and chat endpoints without a 5xx or a hang`, async () => {
      const all = targets({ chat: token });
      const tally = await fuzz(base, all, TOTAL, SEED);
      assertExercised(tally, all);
    });

    it(`answers ${FRAMES} random frames on the chat's WebSocket with errors, and keeps serving`, async () => {
      const rand = prng(SEED + 1);
      const frames: (string | Buffer)[] = [];
      for (let i = 0; i < FRAMES; i++) {
        const r = rand();
        if (r < 0.4) frames.push(JSON.stringify(mutate(rand() < 0.5 ? { type: 'hello', token } : { type: 'ack', ids: ['a', 'b'] }, rand)));
        else if (r < 0.7) frames.push(JSON.stringify(randomValue(rand)));
        else if (r < 0.85) frames.push(brokenJson(rand, JSON.stringify({ type: 'hello', token })));
        else if (r < 0.95) frames.push(Buffer.from(randomBytes(1 + Math.floor(rand() * 64))));
        else frames.push(JSON.stringify({ type: 'ack', ids: Array.from({ length: 1 + Math.floor(rand() * 400) }, (_, k) => `id${k}`) }));
      }
      let answers = 0;
      const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/chat/live`);
      ws.on('message', () => answers++);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      for (const frame of frames) ws.send(frame);
      // Oversized: the server closes this socket (1009), nothing more.
      ws.send(JSON.stringify({ type: 'hello', token: 'x'.repeat(20_000) }));
      const code = await new Promise<number>((resolve) => ws.once('close', resolve));
      assert.equal(code, 1009);
      assert.ok(answers >= FRAMES * 0.5, `only ${answers} answers to ${FRAMES} frames`);
      // The live channel still welcomes a real tab.
      const tab = new WebSocket(`${base.replace(/^http/, 'ws')}/api/chat/live`);
      const welcome = await new Promise<{ type: string }>((resolve, reject) => {
        tab.once('open', () => tab.send(JSON.stringify({ type: 'hello', token })));
        tab.once('message', (data) => resolve(JSON.parse(data.toString())));
        tab.once('error', reject);
      });
      tab.close();
      assert.equal(welcome.type, 'welcome');
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
    });
  });

  describe('on RabbitMQ', () => {
    const vhost = new ClassVhost(AMQP_URL);
    let connection: AmqpConnection | null = null;
    let hub: ChatHub | null = null;
    let server: http.Server | null = null;
    let base: string;
    let token: string;

    before(async function () {
      await requireRabbit(this);
      await vhost.create();
      connection = new AmqpConnection(vhost.url, { connectionName: `playground fuzz ${vhost.name}` });
      await connection.start();
      hub = new ChatHub(new AmqpChat(connection), { secret: randomBytes(32) });
      ({ server, base, token } = await serve(new RabbitMqBroker(connection), hub, connection));
    });
    after(async () => {
      await hub?.close();
      server?.closeAllConnections();
      server?.close();
      await connection?.close();
      await vhost.delete().catch(() => {});
    });

    it(`answers ${RABBIT_TOTAL} random and mutated bodies to the run and chat endpoints without a 5xx or a hang`, async () => {
      const all = targets({ chat: token }).filter((t) => t.path === '/api/run' || t.path.startsWith('/api/chat/'));
      const tally = await fuzz(base, all, RABBIT_TOTAL, SEED + 2);
      assertExercised(tally, all);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
    });
  });
});
