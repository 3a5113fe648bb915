// The amqplib code export: every name and value is a JS literal, so a hostile
// name cannot break out of its string, and the module is valid JavaScript.
// (rabbitmq-export.test.ts runs it against a real RabbitMQ.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { amqplibCode } from '../../src/sandbox/amqplib-code.js';
import { normalizeState } from '../../src/sandbox/sandbox-state.js';
import { tutorialState } from './tutorial.js';

const hostile = '"); process.exit(1); `${globalThis.x}` \u2028 </script>\n("';

async function syntaxCheck(code: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-code-'));
  try {
    const file = path.join(dir, 'topology.mjs');
    writeFileSync(file, code);
    await promisify(execFile)(process.execPath, ['--check', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('amqplib code export', () => {
  it('declares exchanges, queues and bindings with every flag spelled out (amqplib defaults durable to true)', () => {
    const state = normalizeState({
      topology: {
        exchanges: [{ name: 'x', type: 'headers', internal: true, arguments: { 'alternate-exchange': 'ae' } }],
        queues: [{ name: 'q', durable: true, arguments: { 'x-max-length': 3 } }],
        bindings: [
          { source: 'x', destination: 'q', arguments: { 'x-match': 'any', a: 1 } },
          { source: 'x', destination: 'y', destination_type: 'exchange', routing_key: 'k' },
        ],
      },
      messages: [{ exchange: 'x', routing_key: 'r', properties: { headers: { a: 1 } }, payload: 'hi', mandatory: true }],
    });
    const code = amqplibCode(state.topology, state.messages);
    assert.ok(
      code.includes(
        'await channel.assertExchange("x", "headers", { durable: false, autoDelete: false, internal: true, arguments: {"alternate-exchange":"ae"} });',
      ),
    );
    assert.ok(code.includes('await channel.assertQueue("q", { durable: true, autoDelete: false, arguments: {"x-max-length":3} });'));
    assert.ok(code.includes('await channel.bindQueue("q", "x", "", {"x-match":"any","a":1});'));
    assert.ok(code.includes('await channel.bindExchange("y", "x", "k", {});'));
    assert.ok(code.includes('channel.publish("x", "r", Buffer.from("hi"), { headers: {"a":1}, mandatory: true });'));
  });

  it('is valid JavaScript, even with hostile names, keys and values', async () => {
    const state = normalizeState({
      topology: {
        exchanges: [{ name: hostile, type: hostile, arguments: { [hostile]: hostile } }],
        queues: [{ name: hostile, arguments: { a: [hostile, { [hostile]: null }] } }],
        bindings: [{ source: hostile, destination: hostile, routing_key: hostile, arguments: JSON.parse('{"__proto__": 1}') }],
      },
      messages: [{ exchange: hostile, routing_key: hostile, payload: hostile, properties: { headers: { [hostile]: hostile } } }],
    });
    const code = amqplibCode(state.topology, state.messages);
    await syntaxCheck(code);
    // A "__proto__" key in an object literal would set the prototype: such tables go through JSON.parse.
    assert.ok(code.includes('JSON.parse("{\\"__proto__\\":1}")'));
    // Every quote of the hostile text stays escaped inside its literal.
    const raw = code.split('"); process.exit(1);').length - 1;
    const escaped = code.split('\\"); process.exit(1);').length - 1;
    assert.ok(raw > 0);
    assert.equal(raw, escaped);
  });

  it('publishes nothing when there are no messages', async () => {
    const code = amqplibCode(tutorialState().topology);
    assert.ok(!code.includes('channel.publish'));
    await syntaxCheck(code);
  });
});
