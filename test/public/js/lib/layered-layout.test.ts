// The sandbox's layered layout, in Node (it is pure: no DOM): whatever the
// topology, no binding label overlaps another label or a box, boxes in a
// layer never overlap, and everything lies inside the drawing. The browser
// test (test/browser/sandbox-large.test.ts) measures the drawn text too.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Definitions } from '../../../../src/engine/types.js';
import { largeDefinitions } from '../../../sandbox/large-definitions.js';

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Node extends Box {
  id: string;
  kind: string;
  name: string;
  col: number;
}
interface Edge {
  id: string;
  kind: string;
  from: string;
  to: string;
  labelBox?: Box;
  laneY?: number;
  points: { x: number; y: number }[];
}
interface Layout {
  nodes: Node[];
  edges: Edge[];
  width: number;
  height: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const modulePath = pathToFileURL(path.resolve(here, '../../../../public/js/lib/layered-layout.js')).href;
const { layeredLayout } = (await import(modulePath)) as { layeredLayout: (scenario: unknown) => Layout };

const scenario = (definitions: Definitions, exchanges: string[]) => ({
  kind: 'routing',
  definitions: { exchanges: [], queues: [], bindings: [], ...definitions },
  consumers: [],
  steps: exchanges.map((exchange) => ({ message: { exchange, routing_key: 'k' } })),
});

/** Nodes are drawn centred on (x, y); labels from their top-left corner. */
const nodeBox = (n: Node): Box => ({ x: n.x - n.w / 2, y: n.y - n.h / 2, w: n.w, h: n.h });
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function problems(lay: Layout): string[] {
  const boxes = [
    ...lay.nodes.map((n) => ({ ...nodeBox(n), what: n.id })),
    ...lay.edges.filter((e) => e.labelBox).map((e) => ({ ...e.labelBox!, what: `label of ${e.id}` })),
  ].sort((a, b) => a.x - b.x);
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    if (a.x < 0 || a.y < 0 || a.x + a.w > lay.width || a.y + a.h > lay.height) out.push(`${a.what} outside the drawing`);
    for (let j = i + 1; j < boxes.length && boxes[j].x < a.x + a.w; j++) if (overlap(a, boxes[j])) out.push(`${a.what} × ${boxes[j].what}`);
  }
  for (const e of lay.edges) if (e.points.some((p) => !Number.isFinite(p.x) || !Number.isFinite(p.y))) out.push(`${e.id} has no curve`);
  return out;
}

describe('the sandbox’s layered layout', () => {
  it('lays out a 300-queue, 900-binding definitions file with no label over another or over a box', () => {
    const file = largeDefinitions();
    const started = performance.now();
    const lay = layeredLayout(scenario(file as unknown as Definitions, ['events']));
    const ms = performance.now() - started;
    assert.deepEqual(problems(lay), []);
    assert.equal(lay.edges.filter((e) => e.kind === 'binding' && e.labelBox).length, file.bindings.length);
    console.log(
      `      300 queues, 900 bindings: laid out in ${Math.round(ms)} ms (Node), ${Math.round(lay.width)} × ${Math.round(lay.height)}`,
    );
  });

  it('draws the topic tutorial in its own order: Q1 above Q2, the exchange between them', () => {
    const lay = layeredLayout(
      scenario(
        {
          exchanges: [{ name: 'topic_logs', type: 'topic' }],
          queues: [{ name: 'Q1' }, { name: 'Q2' }],
          bindings: [
            { source: 'topic_logs', destination: 'Q1', routing_key: '*.orange.*' },
            { source: 'topic_logs', destination: 'Q2', routing_key: '*.*.rabbit' },
            { source: 'topic_logs', destination: 'Q2', routing_key: 'lazy.#' },
          ],
        },
        ['topic_logs'],
      ),
    );
    const at = (id: string) => lay.nodes.find((n) => n.id === id)!;
    assert.ok(at('queue:Q1').y < at('queue:Q2').y);
    assert.ok(at('producer:P').x < at('exchange:topic_logs').x && at('exchange:topic_logs').x < at('queue:Q1').x);
    assert.deepEqual(problems(lay), []);
  });

  it('gives alternate-exchange and dead-letter links lanes of their own, and survives an exchange cycle', () => {
    const lay = layeredLayout(
      scenario(
        {
          exchanges: [
            { name: 'orders', type: 'topic', arguments: { 'alternate-exchange': 'unrouted' } },
            { name: 'unrouted', type: 'fanout' },
            { name: 'a', type: 'fanout' },
            { name: 'b', type: 'fanout' },
            { name: 'dlx', type: 'direct' },
          ],
          queues: [{ name: 'work', arguments: { 'x-dead-letter-exchange': 'dlx' } }, { name: 'lost' }, { name: 'dead' }],
          bindings: [
            { source: 'orders', destination: 'work', routing_key: 'order.#' },
            { source: 'unrouted', destination: 'lost' },
            { source: 'a', destination: 'b', destination_type: 'exchange' },
            { source: 'b', destination: 'a', destination_type: 'exchange' },
            { source: 'b', destination: 'work', routing_key: 'x' },
            { source: 'dlx', destination: 'dead', routing_key: 'work' },
          ],
        },
        ['orders', 'a'],
      ),
    );
    assert.deepEqual(problems(lay), []);
    const lanes = lay.edges.filter((e) => e.laneY !== undefined).map((e) => e.laneY!);
    assert.equal(lanes.length, 2);
    assert.equal(new Set(lanes).size, 2);
    const lowest = Math.max(
      ...lay.nodes.map((n) => n.y + n.h / 2),
      ...lay.edges.filter((e) => e.labelBox).map((e) => e.labelBox!.y + e.labelBox!.h),
    );
    assert.ok(
      lanes.every((y) => y > lowest),
      'the lanes run under everything else',
    );
  });
});
