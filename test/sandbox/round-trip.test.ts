// Import → export → import keeps every exchange, queue, binding and argument,
// in both forms RabbitMQ writes (with and without "vhost" fields).
import assert from 'node:assert/strict';
import { exportDefinitions } from '../../src/sandbox/export-definitions.js';
import { importDefinitions } from '../../src/sandbox/import-definitions.js';
import { shopDefinitions, shopDefinitionsText } from './fixtures.js';

/** The fixture's entries that the import keeps (the skipped ones have their own tests). */
function keptEntries() {
  const file = shopDefinitions();
  const skippedExchanges = new Set(['delayed', 'amq.topic']);
  const strip = ({ vhost: _vhost, type: _type, ...rest }: Record<string, unknown>) => rest;
  return {
    exchanges: file.exchanges
      .filter((x: any) => !skippedExchanges.has(x.name))
      .map(({ vhost: _v, ...x }: any) => ({ internal: false, ...x })),
    queues: file.queues.filter((q: any) => !q.name.startsWith('amq.')).map(strip),
    bindings: file.bindings
      .filter((b: any) => b.source !== 'delayed' && b.source !== 'audit.internal')
      .map(({ vhost: _v, ...b }: any) => b),
  };
}

const sortKeys = (entries: Record<string, unknown>[]) =>
  entries.map((e) => Object.fromEntries(Object.entries(e).sort(([a], [b]) => a.localeCompare(b))));

describe('import → export round trip', () => {
  it('exports every kept exchange, queue, binding and argument as the file had them', () => {
    const exported = exportDefinitions(importDefinitions(shopDefinitionsText()).topology!, '/');
    const kept = keptEntries();
    const withVhost = (list: Record<string, unknown>[]) => list.map((e) => ({ ...e, vhost: '/' }));
    assert.deepEqual(sortKeys(exported.exchanges), sortKeys(withVhost(kept.exchanges)));
    assert.deepEqual(sortKeys(exported.queues), sortKeys(withVhost(kept.queues)));
    assert.deepEqual(sortKeys(exported.bindings), sortKeys(withVhost(kept.bindings)));
  });

  it('imports its own export to the same topology, with and without vhost fields', () => {
    const first = importDefinitions(shopDefinitionsText()).topology!;
    for (const vhost of ['/', 'staging', null]) {
      const again = importDefinitions(JSON.stringify(exportDefinitions(first, vhost)));
      assert.deepEqual(again.topology, first, `vhost ${vhost}`);
      assert.deepEqual(
        again.notices.filter((n) => n.kind !== 'vhost'),
        [],
        `vhost ${vhost}: nothing skipped`,
      );
    }
  });

  it('names the vhost on every entry, or on none', () => {
    const topology = importDefinitions(shopDefinitionsText()).topology!;
    const all = (d: ReturnType<typeof exportDefinitions>) => [...d.exchanges, ...d.queues, ...d.bindings];
    assert.ok(all(exportDefinitions(topology, 'shop')).every((e) => e.vhost === 'shop'));
    assert.ok(all(exportDefinitions(topology, null)).every((e) => !('vhost' in e)));
  });

  it('keeps argument values of every JSON type, nested tables included', () => {
    const args = { s: 'x', n: 1.5, i: -7, t: true, f: false, z: null, list: [1, 'a', { b: [true] }], table: { k: { deeper: 'v' } } };
    const file = {
      queues: [{ name: 'q', arguments: args }],
      exchanges: [{ name: 'h', type: 'headers', arguments: args }],
      bindings: [{ source: 'h', destination: 'q', arguments: args }],
    };
    const topology = importDefinitions(JSON.stringify(file)).topology!;
    const again = importDefinitions(JSON.stringify(exportDefinitions(topology))).topology!;
    assert.deepEqual(again.queues[0].arguments, args);
    assert.deepEqual(again.exchanges[0].arguments, args);
    assert.deepEqual(again.bindings[0].arguments, args);
  });
});
