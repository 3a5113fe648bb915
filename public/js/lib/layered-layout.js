// A layered layout for the sandbox's diagram, which may hold a real system's
// topology (hundreds of queues, thousands of bindings): pure functions, no DOM.
//
// It starts from the scenario diagram's own nodes, edges and layers
// (scenario-geometry.js `layout`: producer → exchanges → queues, by longest
// path) so the renderer, the step view and the test hooks stay the same, and
// then lays them out again the Sugiyama way:
//   1. order each layer by the barycentre of its neighbours, sweeping down
//      and up a few times (fewer crossings);
//   2. stack each layer, every node in a slot tall enough for the labels of
//      the bindings arriving at it, layers centred on each other;
//   3. put every binding label in the gap just before its destination's
//      layer, sorted by where it wants to be and pushed down past the one
//      above — so no two labels, and no label and box, ever overlap;
//   4. route each edge as a curve through its label; alternate-exchange and
//      dead-letter links, which go back or sideways, run in lanes of their
//      own under the drawing, one lane each, their captions in the lane.
// Boxes are as wide as their names, so no text leaves its box.
import { labelSize, layout as columnLayout, nameWidth } from './scenario-geometry.js';

const ROW_GAP = 28;
const LABEL_GAP = 8;
const LABEL_MARGIN = 48; // room on each side of a label for the curve to bend
const MIN_LAYER_GAP = 110;
const SWEEPS = 4;
const LANE = 46; // one caption (36) and a gap

/** The scenario as the sandbox draws it: same shape as scenario-geometry's layout(). */
export function layeredLayout(scenario) {
  const lay = columnLayout(scenario);
  const { nodes, edges, byId } = lay;
  for (const n of nodes) {
    if (n.kind === 'exchange' || n.kind === 'queue' || n.kind === 'consumer')
      n.w = Math.max(n.w, nameWidth(n.isDefault ? 'default exchange' : n.label));
  }

  const layers = [...new Set(nodes.map((n) => n.col))].sort((a, b) => a - b).map((c) => nodes.filter((n) => n.col === c));
  const flow = edges.filter((e) => e.kind !== 'dead-letter');
  orderLayers(layers, flow, byId);
  const gapX = placeLayers(layers, edges, byId);
  placeLabels(layers, edges, byId, gapX);
  const floor = Math.max(...nodes.map((n) => n.y + n.h / 2), ...edges.filter((e) => e.labelBox).map((e) => e.labelBox.y + e.labelBox.h));
  routeEdges(edges, byId, floor);

  const right = Math.max(...nodes.map((n) => n.x + n.w / 2), ...edges.filter((e) => e.labelBox).map((e) => e.labelBox.x + e.labelBox.w));
  const lanes = edges.filter((e) => e.laneY !== undefined).map((e) => e.laneY + LANE / 2);
  const bottom = Math.max(floor, ...lanes);
  return { ...lay, width: right + 40, top: 0, height: bottom + 60 };
}

/** Barycentre sweeps: a node moves towards the average position of the nodes it is linked to in the layer before (down) or after (up). */
function orderLayers(layers, edges, byId) {
  const index = new Map();
  const renumber = (layer) => layer.forEach((n, i) => index.set(n.id, i));
  layers.forEach(renumber);
  const neighbours = new Map([...byId.keys()].map((id) => [id, { up: [], down: [] }]));
  for (const e of edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b || a.col === b.col) continue;
    const [first, second] = a.col < b.col ? [a, b] : [b, a];
    neighbours.get(second.id).up.push(first.id);
    neighbours.get(first.id).down.push(second.id);
  }
  const sortBy = (layer, side) => {
    const key = new Map(
      layer.map((n) => {
        const linked = neighbours.get(n.id)[side];
        return [n.id, linked.length ? linked.reduce((s, id) => s + index.get(id), 0) / linked.length : index.get(n.id)];
      }),
    );
    // Stable: ties keep the definitions' order, so a small topology is drawn as it is written.
    layer.sort((a, b) => key.get(a.id) - key.get(b.id) || index.get(a.id) - index.get(b.id));
    renumber(layer);
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let i = 1; i < layers.length; i++) sortBy(layers[i], 'up');
    for (let i = layers.length - 2; i >= 0; i--) sortBy(layers[i], 'down');
  }
}

/** x of every layer and y of every node; answers each layer's gap before it: { left, right } in x. */
function placeLayers(layers, edges, byId) {
  const incomingLabels = new Map();
  for (const e of edges) {
    if (!isLabelled(e, byId)) continue;
    incomingLabels.set(e.to, (incomingLabels.get(e.to) ?? 0) + labelSize(e.label).h + LABEL_GAP);
  }
  const gapX = new Map();
  let x = 30;
  layers.forEach((layer, i) => {
    if (i > 0) {
      // The gap before this layer holds the labels of the bindings arriving here.
      const labels = edges.filter((e) => isLabelled(e, byId) && byId.get(e.to).col === layer[0].col);
      const widest = Math.max(0, ...labels.map((e) => labelSize(e.label).w));
      const gap = labels.length ? widest + 2 * LABEL_MARGIN : MIN_LAYER_GAP;
      gapX.set(layer[0].col, { left: x, right: x + gap });
      x += gap;
    }
    const w = Math.max(...layer.map((n) => n.w));
    for (const n of layer) n.x = x + w / 2;
    x += w;
  });
  const slot = (n) => Math.max(n.h, incomingLabels.get(n.id) ?? 0) + ROW_GAP;
  const heights = layers.map((layer) => layer.reduce((s, n) => s + slot(n), 0));
  const tallest = Math.max(...heights);
  layers.forEach((layer, i) => {
    let y = 30 + (tallest - heights[i]) / 2;
    for (const n of layer) {
      n.y = y + slot(n) / 2;
      y += slot(n);
    }
  });
  return gapX;
}

/** A binding whose label is drawn on its curve, going forwards (left to right). */
function isLabelled(e, byId) {
  return e.kind === 'binding' && e.label.length > 0 && byId.get(e.to).col > byId.get(e.from).col;
}

/** Labels in the gap before their destination's layer, top to bottom without overlap. */
function placeLabels(layers, edges, byId, gapX) {
  const byGap = new Map();
  for (const e of edges) {
    e.labelBox = undefined;
    if (!isLabelled(e, byId)) continue;
    const col = byId.get(e.to).col;
    if (!byGap.has(col)) byGap.set(col, []);
    byGap.get(col).push(e);
  }
  for (const [col, list] of byGap) {
    const { left, right } = gapX.get(col);
    // Labels arriving at one node are stacked around its middle, in the order of their sources.
    const stackOf = new Map();
    for (const e of list) {
      if (!stackOf.has(e.to)) stackOf.set(e.to, []);
      stackOf.get(e.to).push(e);
    }
    const wanted = new Map();
    for (const [to, stack] of stackOf) {
      stack.sort((a, b) => byId.get(a.from).y - byId.get(b.from).y);
      const total = stack.reduce((s, e) => s + labelSize(e.label).h + LABEL_GAP, -LABEL_GAP);
      let y = byId.get(to).y - total / 2;
      for (const e of stack) {
        wanted.set(e.id, y);
        y += labelSize(e.label).h + LABEL_GAP;
      }
    }
    list.sort((a, b) => wanted.get(a.id) - wanted.get(b.id));
    let floor = -Infinity;
    for (const e of list) {
      const size = labelSize(e.label);
      const y = Math.max(wanted.get(e.id), floor);
      const cx = (left + right) / 2;
      e.labelBox = { x: r(cx - size.w / 2), y: r(y), w: size.w, h: size.h };
      floor = y + size.h + LABEL_GAP;
    }
  }
}

function routeEdges(edges, byId, floor) {
  let lane = 0;
  const siblings = new Map();
  for (const e of edges) {
    const k = `${e.from}>${e.to}`;
    if (!siblings.has(k)) siblings.set(k, []);
    siblings.get(k).push(e);
  }
  for (const e of edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    const group = siblings.get(`${e.from}>${e.to}`);
    const spread = (group.indexOf(e) - (group.length - 1) / 2) * 12;
    if (e.kind === 'alternate' || e.kind === 'dead-letter') {
      // Out of a's right side, down to a lane below everything, along it, up into b's left side.
      // The renderer puts the caption at the path's middle: the middle of the lane.
      const y = floor + 50 + LANE * lane++;
      e.laneY = y;
      const xa = a.x + a.w / 2 + 24;
      const xb = b.x - b.w / 2 - 24;
      const p0 = { x: a.x + a.w / 2, y: a.y + a.h / 4 };
      const p3 = { x: b.x - b.w / 2 - 4, y: b.y + b.h / 4 };
      curve(e, [
        p0,
        { x: xa, y: p0.y },
        { x: xa, y },
        { x: xa, y },
        { x: (2 * xa + xb) / 3, y },
        { x: (xa + 2 * xb) / 3, y },
        { x: xb, y },
        { x: xb, y },
        { x: xb, y: p3.y },
        p3,
      ]);
      continue;
    }
    if (b.col <= a.col) {
      // Backwards (a dead-letter exchange, a cycle) or within a layer: out of the bottom, into the top.
      const down = b.y >= a.y;
      const p0 = { x: a.x + spread, y: a.y + (down ? a.h / 2 : -a.h / 2) };
      const p3 = { x: b.x + spread, y: b.y + (down ? -b.h / 2 - 4 : b.h / 2 + 4) };
      const bend = (down ? 1 : -1) * Math.max(40, Math.abs(p3.y - p0.y) / 2);
      const side = Math.abs(a.x - b.x) < 1 ? a.w / 2 + 40 : 0;
      curve(e, [p0, { x: p0.x + side, y: p0.y + bend }, { x: p3.x + side, y: p3.y - bend }, p3]);
      continue;
    }
    const p0 = { x: a.x + a.w / 2, y: a.y + spread / 2 };
    const p3 = { x: b.x - b.w / 2 - 4, y: b.y + Math.max(-b.h / 3, Math.min(b.h / 3, spread)) };
    if (e.labelBox) {
      const box = e.labelBox;
      const cy = box.y + box.h / 2;
      const l = { x: box.x, y: cy };
      const rt = { x: box.x + box.w, y: cy };
      const d1 = Math.max(20, (l.x - p0.x) / 2);
      const d2 = Math.max(20, (p3.x - rt.x) / 2);
      curve(e, [
        p0,
        { x: p0.x + d1, y: p0.y },
        { x: l.x - d1, y: l.y },
        l,
        { x: l.x + box.w / 3, y: cy },
        { x: rt.x - box.w / 3, y: cy },
        rt,
        { x: rt.x + d2, y: rt.y },
        { x: p3.x - d2, y: p3.y },
        p3,
      ]);
      continue;
    }
    const dx = Math.max(40, (p3.x - p0.x) / 2);
    curve(e, [p0, { x: p0.x + dx, y: p0.y }, { x: p3.x - dx, y: p3.y }, p3]);
  }
}

/** points: 1 + 3n points of n cubic segments (what the renderer's moving token follows). */
function curve(e, points) {
  e.points = points;
  let d = `M${r(points[0].x)},${r(points[0].y)}`;
  for (let i = 1; i < points.length; i += 3) {
    d += ` C${r(points[i].x)},${r(points[i].y)} ${r(points[i + 1].x)},${r(points[i + 1].y)} ${r(points[i + 2].x)},${r(points[i + 2].y)}`;
  }
  e.d = d;
}

const r = (n) => Math.round(n * 10) / 10;
