// Geometry of the scenario diagram: pure functions, no DOM. A topology
// becomes boxes and curves (layout), and one played step becomes the state of
// each of them plus the paths the message travels (stepView). The renderer
// only copies these numbers into SVG attributes (raftscope / Red Blob Games:
// model, geometry and renderer kept apart).

const NODE = {
  producer: { w: 84, h: 84 },
  exchange: { w: 190, h: 78 },
  queue: { w: 210, h: 92 },
  consumer: { w: 92, h: 92 },
};
const ROW_GAP = 46;
const LABEL_LINE = 26;
const CHAR_W = 11.5; // label font ~20px monospace
const MIN_COL_GAP = 84;
const LABEL_GAP = 10;
const LABEL_MARGIN = 38; // room on each side of a label for the curve to bend

const SHORT_NAME = 18;
const NAME_PX = 24; // node names: 24px bold sans-serif (scenario.css)
const NAME_PADDING = 36; // 12 before the name, 24 after

/**
 * How wide a node's name is drawn, in px, from em widths of the widest
 * common bold sans (DejaVu Sans Bold, Debian's default; Segoe UI, Roboto and
 * Helvetica are narrower), so a name never leaves its box: server-made names
 * (amq.gen-…) mix wide capitals (M, W) with narrow ones.
 */
export function nameWidth(text) {
  let em = 0;
  for (const c of text) {
    if (/[mwMW…]/.test(c)) em += 1.1;
    else if (/[ijlIJ.,:;!'| ]/.test(c)) em += 0.4;
    else if (/[frt-]/.test(c)) em += 0.5;
    else if (/[A-Z0-9]/.test(c)) em += 0.86;
    else em += 0.73;
  }
  return em * NAME_PX + NAME_PADDING;
}
/** A consumer's name sits in a small ellipse: its tag is told apart by its ends. */
const SHORT_CONSUMER = 14;

/**
 * A long name (a server-named queue amq.gen-…, a consumer tag) shortened in
 * the middle, where such names differ least usefully: "amq.gen-qr5…Y-SA88fcA".
 * The diagram shows the whole name on hover and focus, the why in full.
 */
export function shortName(name, max = SHORT_NAME) {
  const chars = [...name];
  if (chars.length <= max) return name;
  const head = Math.floor((max - 1) / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (max - 1 - head)).join('')}`;
}

/** A binding's label: the lines shown on its curve. */
export function bindingLabel(binding, exchangeType) {
  if (exchangeType === 'headers') {
    const args = binding.arguments ?? {};
    const lines = [];
    const mode = typeof args['x-match'] === 'string' ? args['x-match'] : 'all';
    lines.push(`x-match=${mode}`);
    for (const [k, v] of Object.entries(args)) if (k !== 'x-match') lines.push(`${k}=${formatValue(v)}`);
    return lines;
  }
  if (exchangeType === 'fanout') return [binding.routing_key ? `(${binding.routing_key})` : '(fanout)'];
  return [binding.routing_key === '' || binding.routing_key === undefined ? '""' : binding.routing_key];
}

export function formatValue(v) {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Queue arguments in a few characters: "max 2 · DLX dlx". */
export function queueArgsText(args) {
  const short = {
    'x-max-length': 'max',
    'x-max-length-bytes': 'max bytes',
    'x-dead-letter-exchange': 'DLX',
    'x-dead-letter-routing-key': 'DLK',
    'x-message-ttl': 'ttl',
    'x-overflow': '',
    'x-expires': 'expires',
    'x-max-priority': 'priorities',
  };
  return Object.entries(args ?? {})
    .map(([k, v]) => {
      const name = k in short ? short[k] : k.replace(/^x-/, '');
      const value = v === '' ? '""' : formatValue(v);
      return name ? `${name} ${value}` : value;
    })
    .join(' · ');
}

/** Ids shared by the geometry, the renderer and the tests. */
export const DEFAULT_EXCHANGE = '';
export const nodeId = (kind, name) => `${kind}:${name}`;
export const defaultBindingId = (queue) => `default:${queue}`;

/**
 * The topology as nodes and edges, laid out in columns:
 * producer → exchanges → (exchanges) → queues → consumers.
 * `scenario` is the page data: { kind, definitions, consumers, steps }.
 */
export function layout(scenario) {
  const defs = scenario.definitions;
  const exchanges = defs.exchanges ?? [];
  const queues = defs.queues ?? [];
  const bindings = defs.bindings ?? [];
  const typeOf = new Map(exchanges.map((x) => [x.name, x.type]));
  const published = new Set(publishedExchanges(scenario));

  const nodes = [];
  const edges = [];
  const add = (kind, name, extra = {}) => {
    const node = {
      id: nodeId(kind, name),
      kind,
      name,
      ...NODE[kind],
      ...extra,
      fullName: extra.label ?? name,
      label: shortName(extra.label ?? name, kind === 'consumer' ? SHORT_CONSUMER : SHORT_NAME),
    };
    nodes.push(node);
    return node;
  };

  add('producer', 'P');
  if (published.has(DEFAULT_EXCHANGE)) add('exchange', DEFAULT_EXCHANGE, { type: 'direct', isDefault: true });
  for (const x of exchanges) add('exchange', x.name, { type: x.type, internal: !!x.internal });
  for (const q of queues) {
    const args = queueArgsText(q.arguments);
    add('queue', q.name, {
      args: q.arguments ?? {},
      w: Math.max(NODE.queue.w, nameWidth(shortName(q.name)), [...args].length * 10.5 + 30),
    });
  }
  // A consumer box is as wide as its name ("receive.py"); /live names it by its program's connection name or tag.
  for (const c of scenario.consumers ?? [])
    add('consumer', c.name, {
      queue: c.queue,
      label: c.label,
      tag: c.tag,
      w: Math.max(NODE.consumer.w, nameWidth(shortName(c.label ?? c.name, SHORT_CONSUMER))),
    });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const has = (kind, name) => byId.has(nodeId(kind, name));

  for (const name of published) {
    if (has('exchange', name))
      edges.push({ id: `publish:${name}`, kind: 'publish', from: 'producer:P', to: nodeId('exchange', name), label: [] });
  }
  if (published.has(DEFAULT_EXCHANGE)) {
    // Every queue is bound to the default exchange by its own name (implicit, cannot be removed).
    for (const q of queues) {
      edges.push({
        id: defaultBindingId(q.name),
        kind: 'binding',
        implicit: true,
        bindingIndex: null,
        from: nodeId('exchange', ''),
        to: nodeId('queue', q.name),
        label: [q.name],
        source: '',
        destination: q.name,
        destinationType: 'queue',
        key: q.name,
      });
    }
  }
  bindings.forEach((b, i) => {
    const destinationType = b.destination_type ?? 'queue';
    const to = nodeId(destinationType === 'exchange' ? 'exchange' : 'queue', b.destination);
    if (!has('exchange', b.source) || !byId.has(to)) return;
    edges.push({
      id: `binding:${i}`,
      kind: 'binding',
      bindingIndex: i,
      implicit: false,
      from: nodeId('exchange', b.source),
      to,
      label: bindingLabel(b, typeOf.get(b.source)),
      source: b.source,
      destination: b.destination,
      destinationType,
      key: b.routing_key ?? '',
    });
  });
  for (const x of exchanges) {
    const ae = x.arguments?.['alternate-exchange'];
    if (typeof ae === 'string' && has('exchange', ae)) {
      edges.push({
        id: `ae:${x.name}`,
        kind: 'alternate',
        from: nodeId('exchange', x.name),
        to: nodeId('exchange', ae),
        label: ['alternate-exchange'],
      });
    }
  }
  for (const q of queues) {
    const dlx = q.arguments?.['x-dead-letter-exchange'];
    if (typeof dlx === 'string' && has('exchange', dlx)) {
      edges.push({
        id: `dlx:${q.name}`,
        kind: 'dead-letter',
        from: nodeId('queue', q.name),
        to: nodeId('exchange', dlx),
        label: ['x-dead-letter-exchange'],
      });
    }
  }
  for (const c of scenario.consumers ?? []) {
    if (has('queue', c.queue))
      edges.push({ id: `consume:${c.name}`, kind: 'consume', from: nodeId('queue', c.queue), to: nodeId('consumer', c.name), label: [] });
  }

  assignColumns(nodes, edges);
  placeNodes(nodes, edges, byId);
  routeEdges(edges, byId);
  // A consumer's chips (the deliveries it holds) sit to its right.
  const width = Math.max(...nodes.map((n) => n.x + n.w / 2 + (n.kind === 'consumer' ? CONSUMER_CHIPS : 0))) + 40;
  const { top, bottom } = verticalExtent(nodes, edges);
  // The drawing is cropped to what it holds (viewBox from `top`): on a projector every pixel of height counts.
  return { nodes, edges, width, top: top - MARGIN, height: bottom - top + 2 * MARGIN, byId };
}

const MARGIN = 14;
const CONSUMER_CHIPS = 48;
/** Room the renderer uses around a node: captions under the producer and consumers, the returned badge above the producer, the discarded badge under an exchange. */
const BADGE_ROOM = 52;
const CAPTION_ROOM = { producer: 34, consumer: 22 };

/** The highest and lowest point drawn: boxes, captions, badges, labels and curves (a curve stays within its control points). */
function verticalExtent(nodes, edges) {
  let top = Infinity;
  let bottom = -Infinity;
  const take = (lo, hi) => {
    top = Math.min(top, lo);
    bottom = Math.max(bottom, hi);
  };
  for (const n of nodes) {
    const above = n.kind === 'producer' ? BADGE_ROOM : 0;
    const below = n.kind === 'exchange' ? BADGE_ROOM : (CAPTION_ROOM[n.kind] ?? 0);
    take(n.y - n.h / 2 - above, n.y + n.h / 2 + below);
  }
  for (const e of edges) {
    if (e.labelBox) take(e.labelBox.y, e.labelBox.y + e.labelBox.h);
    for (const p of e.points ?? []) take(p.y, p.y);
  }
  return { top, bottom };
}

/** Exchanges the steps publish to (consumer scenarios publish through ""). */
export function publishedExchanges(scenario) {
  const names = [];
  for (const step of scenario.steps) {
    const messages = step.message ? [step.message] : (step.actions ?? []).filter((a) => a.type === 'publish').map((a) => a.message);
    for (const m of messages) if (!names.includes(m.exchange)) names.push(m.exchange);
  }
  return names;
}

/** Longest path from the producer; queues that lead nowhere share the last queue column. */
function assignColumns(nodes, edges) {
  const col = new Map(nodes.map((n) => [n.id, n.kind === 'producer' ? 0 : 1]));
  // Alternate and dead-letter edges do not push columns: those exchanges sit
  // below the others in the same column, and the diagram stays narrow enough to read.
  const flow = edges.filter((e) => e.kind === 'publish' || e.kind === 'binding');
  // Bellman-Ford style relaxation, bounded: a cycle (A→B→A) cannot loop forever.
  for (let round = 0; round < nodes.length; round++) {
    let changed = false;
    for (const e of flow) {
      const want = col.get(e.from) + 1;
      if (want > col.get(e.to) && want <= nodes.length) {
        col.set(e.to, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const leadsOn = new Set(flow.map((e) => e.from));
  const queues = nodes.filter((n) => n.kind === 'queue');
  const lastQueueCol = Math.max(2, ...queues.map((q) => col.get(q.id)));
  for (const q of queues) if (!leadsOn.has(q.id)) col.set(q.id, lastQueueCol);
  for (const n of nodes) {
    if (n.kind === 'consumer') col.set(n.id, lastQueueCol + 1);
    n.col = col.get(n.id);
  }
}

function placeNodes(nodes, edges, byId) {
  const cols = [...new Set(nodes.map((n) => n.col))].sort((a, b) => a - b);
  // Each column is as wide as its widest node; the gap after it fits the widest label that starts there.
  let x = 30;
  const colX = new Map();
  for (const c of cols) {
    const inCol = nodes.filter((n) => n.col === c);
    const w = Math.max(...inCol.map((n) => n.w));
    colX.set(c, x + w / 2);
    const labels = edges.filter((e) => byId.get(e.from).col === c && e.label.length > 0 && e.kind === 'binding');
    const labelW = Math.max(0, ...labels.map((e) => labelSize(e.label).w));
    x += w + Math.max(MIN_COL_GAP, labelW + 2 * LABEL_MARGIN);
  }
  // Rows: order by the rows of what feeds a node (fewer crossings), then stack with room for labels.
  const rowOf = new Map();
  for (const c of cols) {
    const inCol = nodes.filter((n) => n.col === c);
    inCol.forEach((n, i) => {
      const feeders = edges.filter((e) => e.to === n.id && rowOf.has(e.from)).map((e) => rowOf.get(e.from));
      n.order = feeders.length ? feeders.reduce((a, b) => a + b, 0) / feeders.length + i * 1e-3 : i;
    });
    inCol.sort((a, b) => a.order - b.order).forEach((n, i) => rowOf.set(n.id, i));
  }
  // Height of a slot: the node, or the labels of the bindings arriving at it.
  const slotH = (n) => {
    const incoming = edges.filter((e) => e.to === n.id && e.kind === 'binding');
    const labels = incoming.filter((e) => e.label.length > 0).reduce((sum, e) => sum + labelSize(e.label).h + LABEL_GAP, 0);
    return Math.max(n.h, labels) + ROW_GAP;
  };
  const colHeight = (c) => nodes.filter((n) => n.col === c).reduce((s, n) => s + slotH(n), 0);
  const total = Math.max(...cols.map(colHeight));
  for (const c of cols) {
    const inCol = nodes.filter((n) => n.col === c).sort((a, b) => rowOf.get(a.id) - rowOf.get(b.id));
    let y = 30 + (total - colHeight(c)) / 2;
    for (const n of inCol) {
      const h = slotH(n);
      n.x = colX.get(c);
      n.y = y + h / 2;
      y += h;
    }
  }
}

export function labelSize(lines) {
  const longest = Math.max(0, ...lines.map((l) => [...l].length));
  return { w: longest * CHAR_W + 20, h: lines.length * LABEL_LINE + 10 };
}

/**
 * Curves from the right side of a box to the left side of the next. A
 * labelled binding passes through its label, which sits in the gap between
 * the two columns; the labels of all bindings arriving at one node are
 * stacked around that node's height, so they never overlap.
 */
function routeEdges(edges, byId) {
  const groups = new Map();
  for (const e of edges) {
    const k = `${e.from}>${e.to}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(e);
  }
  const stacks = new Map();
  for (const e of edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    const siblings = groups.get(`${e.from}>${e.to}`);
    const spread = (siblings.indexOf(e) - (siblings.length - 1) / 2) * 14;
    if (b.col <= a.col) {
      // Pointing back (a dead-letter exchange, or a cycle): leave from the
      // bottom and arrive from above (or below) so the curve stays clear of the boxes.
      const down = b.y > a.y;
      const p0 = { x: a.x, y: a.y + (down ? a.h / 2 : -a.h / 2) };
      const p3 = { x: b.x, y: b.y + (down ? -b.h / 2 - 4 : b.h / 2 + 4) };
      const bend = down ? Math.max(40, (p3.y - p0.y) / 2) : -70;
      setCurve(e, [p0, { x: p0.x, y: p0.y + bend }, { x: p3.x, y: p3.y - (down ? bend : -bend) }, p3]);
      continue;
    }
    const p0 = { x: a.x + a.w / 2, y: a.y + spread / 2 };
    const p3 = { x: b.x - b.w / 2 - 4, y: b.y + spread };
    if (e.kind === 'binding' && e.label.length > 0) {
      if (!stacks.has(e.to)) stacks.set(e.to, []);
      stacks.get(e.to).push({ e, p0, p3, size: labelSize(e.label) });
      continue;
    }
    const dx = Math.max(40, (p3.x - p0.x) / 2);
    setCurve(e, [p0, { x: p0.x + dx, y: p0.y }, { x: p3.x - dx, y: p3.y }, p3]);
  }
  for (const [to, stack] of stacks) {
    const b = byId.get(to);
    const totalH = stack.reduce((sum, x) => sum + x.size.h + LABEL_GAP, -LABEL_GAP);
    let y = b.y - totalH / 2;
    for (const { e, p0, p3, size } of stack) {
      const cx = (p0.x + p3.x) / 2;
      const cy = y + size.h / 2;
      e.labelBox = { x: r(cx - size.w / 2), y: r(y), w: size.w, h: size.h };
      const left = { x: cx - size.w / 2, y: cy };
      const right = { x: cx + size.w / 2, y: cy };
      const d1 = Math.max(20, (left.x - p0.x) / 2);
      const d2 = Math.max(20, (p3.x - right.x) / 2);
      setCurve(e, [
        p0,
        { x: p0.x + d1, y: p0.y },
        { x: left.x - d1, y: left.y },
        left,
        { x: left.x + size.w / 3, y: cy },
        { x: right.x - size.w / 3, y: cy },
        right,
        { x: right.x + d2, y: right.y },
        { x: p3.x - d2, y: p3.y },
        p3,
      ]);
      y += size.h + LABEL_GAP;
    }
  }
}

/** points: 1 + 3n points of n cubic segments. */
function setCurve(e, points) {
  e.points = points;
  let d = `M${r(points[0].x)},${r(points[0].y)}`;
  for (let i = 1; i < points.length; i += 3) {
    d += ` C${r(points[i].x)},${r(points[i].y)} ${r(points[i + 1].x)},${r(points[i + 1].y)} ${r(points[i + 2].x)},${r(points[i + 2].y)}`;
  }
  e.d = d;
}

const r = (n) => Math.round(n * 10) / 10;

/** A point at t ∈ [0,1] along a path of one or more cubic segments (1 + 3n points). */
export function pointAt(points, t) {
  const segments = (points.length - 1) / 3;
  const s = Math.min(segments - 1, Math.floor(t * segments));
  const u = t * segments - s;
  const [a, b, c, d] = points.slice(s * 3, s * 3 + 4);
  const m = 1 - u;
  return {
    x: m * m * m * a.x + 3 * m * m * u * b.x + 3 * m * u * u * c.x + u * u * u * d.x,
    y: m * m * m * a.y + 3 * m * m * u * b.y + 3 * m * u * u * c.y + u * u * u * d.y,
  };
}

// --- one step -------------------------------------------------------------------

/**
 * The state of every drawn thing at step k (1-based; 0 = before the first
 * message) of a routing scenario, from the broker's play and the engine's trace:
 *   bindings: edge id → true/false (matched for this message) — every binding edge has a value
 *   queues:   queue → { hit, held: [message indices] }
 *   routes:   lists of edge ids the message travels, one per destination
 *   status:   'none' | 'routed' | 'discarded' | 'returned'
 */
export function routingStepView(lay, scenario, play, k) {
  const bindingEdges = lay.edges.filter((e) => e.kind === 'binding');
  const view = {
    step: k,
    bindings: Object.fromEntries(bindingEdges.map((e) => [e.id, false])),
    queues: Object.fromEntries(scenario.definitions.queues.map((q) => [q.name, { hit: false, held: [] }])),
    exchanges: {},
    routes: [],
    deadLetterRoutes: [],
    status: 'none',
  };
  if (k === 0 || !play) return view;
  const played = play.steps[k - 1];
  const message = scenario.steps[k - 1].message;
  for (const [q, held] of Object.entries(played.holds)) if (view.queues[q]) view.queues[q].held = held;
  for (const q of played.hit) if (view.queues[q]) view.queues[q].hit = true;
  view.status = played.hit.length > 0 ? 'routed' : played.returned ? 'returned' : 'discarded';

  // The default exchange has no trace hop: it looks queues up by name.
  if (message.exchange === DEFAULT_EXCHANGE) view.exchanges[DEFAULT_EXCHANGE] = { visited: true, via: 'publish' };
  const trace = played.trace;
  const edgeOf = (check) => findBindingEdge(lay, scenario, check);
  if (trace) {
    for (const hop of trace.hops) {
      view.exchanges[hop.exchange] = { visited: true, via: hop.via };
      for (const check of hop.bindings) {
        const edge = edgeOf(check);
        if (edge) view.bindings[edge.id] = check.matched;
      }
    }
    if (trace.default_exchange) {
      for (const lookup of trace.default_exchange) {
        if (lookup.exists) view.bindings[defaultBindingId(lookup.queue)] = true;
      }
    }
  } else if (message.exchange === DEFAULT_EXCHANGE) {
    for (const q of played.hit) view.bindings[defaultBindingId(q)] = true;
  }
  view.routes = messageRoutes(lay, message.exchange, view.bindings, trace, played.hit);
  // Older messages pushed out of a queue by this one, and where they went.
  if (trace) {
    for (const dl of trace.dead_letters) {
      const path = [`dlx:${dl.from_queue}`];
      for (const q of dl.queues) {
        const hop = dl.hops.flatMap((h) => h.bindings).find((c) => c.matched && c.destination === q && c.destination_type === 'queue');
        const edge = hop ? edgeOf(hop) : null;
        view.deadLetterRoutes.push({ message: dl.message, from: dl.from_queue, to: q, edges: edge ? [...path, edge.id] : path });
      }
    }
  }
  return view;
}

/** The layout edge drawn for a binding the trace checked. */
export function findBindingEdge(lay, scenario, check) {
  return lay.edges.find(
    (e) =>
      e.kind === 'binding' &&
      !e.implicit &&
      e.source === check.source &&
      e.destination === check.destination &&
      e.destinationType === check.destination_type &&
      e.key === check.binding_key &&
      sameArgs(scenario.definitions.bindings[e.bindingIndex].arguments ?? {}, check.arguments ?? {}),
  );
}

function sameArgs(a, b) {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/**
 * The paths the message takes: publish edge, then matched edges (through
 * exchange-to-exchange bindings and alternate exchanges) down to each queue it reached.
 */
function messageRoutes(lay, exchange, matched, trace, hit) {
  const start = `publish:${exchange}`;
  const out = lay.edges.filter((e) => e.kind === 'binding' && matched[e.id]);
  const alternates = trace ? trace.hops.filter((h) => h.via === 'alternate-exchange' && h.from).map((h) => `ae:${h.from}`) : [];
  const next = (nodeIdFrom) => [
    ...out.filter((e) => e.from === nodeIdFrom),
    ...lay.edges.filter((e) => e.kind === 'alternate' && e.from === nodeIdFrom && alternates.includes(e.id)),
  ];
  const routes = [];
  const walk = (node, path, seen) => {
    for (const e of next(node)) {
      if (seen.has(e.to)) continue;
      if (e.to.startsWith('queue:')) {
        const q = e.to.slice('queue:'.length);
        if (hit.includes(q) && !routes.some((r) => r.to === q)) routes.push({ to: q, edges: [...path, e.id] });
      } else walk(e.to, [...path, e.id], new Set([...seen, e.to]));
    }
  };
  const first = nodeId('exchange', exchange);
  walk(first, [start], new Set([first]));
  return routes;
}

/**
 * Consumer scenarios at step k: which queue got a publish, which consumer
 * got which delivery, what each holds.
 */
export function consumerStepView(lay, scenario, play, k) {
  const view = {
    step: k,
    bindings: Object.fromEntries(lay.edges.filter((e) => e.kind === 'binding').map((e) => [e.id, false])),
    queues: Object.fromEntries(scenario.definitions.queues.map((q) => [q.name, { hit: false, held: [], unacked: [] }])),
    consumers: Object.fromEntries(
      (scenario.consumers ?? []).map((c) => [c.name, { hit: false, present: false, unacked: [], prefetch: 0 }]),
    ),
    exchanges: {},
    routes: [],
    deliveries: [],
    status: 'none',
  };
  if (k === 0 || !play) return view;
  const played = play.steps[k - 1];
  const step = scenario.steps[k - 1];
  for (const [q, ready] of Object.entries(played.ready)) if (view.queues[q]) view.queues[q].held = ready;
  for (const [c, unacked] of Object.entries(played.unacked)) {
    if (view.consumers[c]) Object.assign(view.consumers[c], { present: true, unacked, prefetch: played.prefetch?.[c] ?? 0 });
    // Delivered but unacknowledged messages are still held by the broker, in their queue.
    const q = (scenario.consumers ?? []).find((x) => x.name === c)?.queue;
    if (q && view.queues[q]) view.queues[q].unacked = [...(view.queues[q].unacked ?? []), ...unacked];
  }
  for (const a of step.actions) {
    if (a.type !== 'publish') continue;
    const q = a.message.routing_key;
    if (view.queues[q]) view.queues[q].hit = true;
    view.bindings[defaultBindingId(q)] = true;
    view.exchanges[DEFAULT_EXCHANGE] = { visited: true, via: 'publish' };
    view.routes.push({ to: q, edges: [`publish:`, defaultBindingId(q)], message: a.message.payload });
  }
  for (const d of played.deliveries) {
    if (view.consumers[d.consumer]) view.consumers[d.consumer].hit = true;
    view.deliveries.push({ ...d, edges: [`consume:${d.consumer}`] });
  }
  view.status = view.routes.length > 0 ? 'routed' : 'none';
  return view;
}

/**
 * The state before a step, with nothing lit: what the class sees while it
 * predicts (queues keep what they held; no binding, queue or route is highlighted).
 */
export function quietView(view) {
  return {
    ...view,
    bindings: Object.fromEntries(Object.keys(view.bindings).map((id) => [id, false])),
    queues: Object.fromEntries(Object.entries(view.queues).map(([q, state]) => [q, { ...state, hit: false }])),
    consumers: view.consumers && Object.fromEntries(Object.entries(view.consumers).map(([c, state]) => [c, { ...state, hit: false }])),
    exchanges: {},
    routes: [],
    deadLetterRoutes: [],
    deliveries: [],
    status: 'none',
  };
}
