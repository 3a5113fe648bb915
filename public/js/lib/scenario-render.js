// Draws the layout into the page's <svg> once, then, for every step, copies
// the step view into attributes (data-matched, data-hit, classes) and moves
// the message along its path. No geometry is computed here beyond reading
// points off the curves (scenario-geometry.js does the rest).
import { svg } from './dom.js';
import { labelSize, pointAt, queueArgsText } from './scenario-geometry.js';

const EDGE_MS = 420;

export function createDiagram(root, lay, t) {
  root.replaceChildren();
  root.setAttribute('viewBox', `0 ${Math.floor(lay.top ?? 0)} ${Math.ceil(lay.width)} ${Math.ceil(lay.height)}`);
  root.append(svg('defs', {}, marker('arrow', 'arrowhead'), marker('arrow-hit', 'arrowhead hit'), marker('arrow-miss', 'arrowhead miss')));
  const edgesLayer = svg('g', { class: 'edges' });
  const labelsLayer = svg('g', { class: 'labels' });
  const nodesLayer = svg('g', { class: 'nodes' });
  const tokensLayer = svg('g', { class: 'tokens', 'aria-hidden': 'true' });
  root.append(edgesLayer, nodesLayer, labelsLayer, tokensLayer);

  const edgeEls = new Map();
  for (const e of lay.edges) {
    const attrs = { class: `edge edge-${e.kind}${e.implicit ? ' implicit' : ''}`, 'data-edge': e.id };
    if (e.kind === 'binding') {
      Object.assign(attrs, {
        'data-binding': e.implicit ? e.id : String(e.bindingIndex),
        'data-source': e.source,
        'data-destination': e.destination,
        'data-destination-type': e.destinationType,
        'data-matched': 'false',
      });
    }
    const g = svg('g', attrs, svg('path', { d: e.d, class: 'edge-line', 'marker-end': 'url(#arrow)' }));
    edgesLayer.append(g);
    let labelEl = null;
    if (e.labelBox) {
      labelEl = svg('g', { class: `edge-label edge-label-${e.kind}`, 'data-label-for': e.id });
      labelEl.append(svg('rect', { x: e.labelBox.x, y: e.labelBox.y, width: e.labelBox.w, height: e.labelBox.h, rx: 8 }));
      e.label.forEach((line, i) => {
        const ignored = /^x-/.test(line) && !/^x-match=/.test(line) && e.label[0] && /^x-match=(all|any)$/.test(e.label[0]);
        labelEl.append(svg('text', { x: e.labelBox.x + 10, y: e.labelBox.y + 28 + i * 26, class: ignored ? 'ignored' : undefined }, line));
      });
      labelsLayer.append(labelEl);
    } else if (e.kind === 'alternate' || e.kind === 'dead-letter') {
      const at = pointAt(e.points, 0.5);
      const text = e.kind === 'alternate' ? t('diagram.alternate') : t('diagram.deadLetter');
      const size = labelSize([text]);
      labelEl = svg(
        'g',
        { class: `edge-label edge-label-${e.kind}` },
        svg('rect', { x: at.x - size.w / 2, y: at.y - size.h / 2, width: size.w, height: size.h, rx: 8 }),
        svg('text', { x: at.x - size.w / 2 + 10, y: at.y + 7 }, text),
      );
      labelsLayer.append(labelEl);
    }
    edgeEls.set(e.id, { g, labelEl, edge: e });
  }

  const nodeEls = new Map();
  for (const n of lay.nodes) {
    // /live's consumers carry their tag and queue (test hooks, and the tag for who it is).
    const hooks = n.tag ? { 'data-live-consumer': n.tag, 'data-queue': n.queue } : {};
    const g = svg('g', { class: `node node-${n.kind}`, transform: `translate(${n.x} ${n.y})`, 'data-node': n.id, ...hooks });
    if (n.kind === 'producer') {
      g.append(
        svg('circle', { r: n.w / 2 }),
        svg('text', { y: 9, class: 'node-name' }, 'P'),
        svg('text', { y: n.h / 2 + 26, class: 'node-caption' }, t('diagram.producer')),
      );
    } else if (n.kind === 'exchange') {
      g.setAttribute('data-exchange', n.name);
      g.append(
        svg('rect', { x: -n.w / 2, y: -n.h / 2, width: n.w, height: n.h, rx: 16 }),
        ...(n.isDefault
          ? [svg('text', { y: -6, class: 'node-name' }, t('diagram.defaultExchange'))]
          : nameText(g, n, { y: -6, class: 'node-name' })),
        svg('text', { y: 24, class: 'node-type' }, n.isDefault ? '"" · direct' : n.internal ? `${n.type} · internal` : n.type),
      );
    } else if (n.kind === 'queue') {
      g.setAttribute('data-queue', n.name);
      g.setAttribute('data-hit', 'false');
      const args = queueArgsText(n.args);
      g.append(
        svg('rect', { x: -n.w / 2, y: -n.h / 2, width: n.w, height: n.h, rx: 6, class: 'queue-box' }),
        ...nameText(g, n, { x: -n.w / 2 + 12, y: -n.h / 2 + 28, class: 'node-name left' }),
        args ? svg('text', { x: -n.w / 2 + 12, y: -n.h / 2 + 51, class: 'node-args left' }, args) : null,
        svg('g', { class: 'chips', transform: `translate(${-n.w / 2 + 10} ${n.h / 2 - 34})` }),
      );
    } else if (n.kind === 'consumer') {
      g.setAttribute('data-consumer', n.name);
      g.setAttribute('data-hit', 'false');
      g.append(
        svg('rect', { x: -n.w / 2, y: -34, width: n.w, height: 68, rx: 34 }),
        ...nameText(g, n, { y: 8, class: 'node-name' }),
        svg('text', { y: 62, class: 'node-caption', 'data-prefetch-label': '' }, ''),
        svg('g', { class: 'chips', transform: `translate(${n.w / 2 + 8} -14)` }),
      );
    }
    nodesLayer.append(g);
    nodeEls.set(n.id, g);
  }
  const badge = svg(
    'g',
    { class: 'status-badge', 'data-status-badge': '', visibility: 'hidden' },
    svg('rect', { rx: 10 }),
    svg('text', {}, ''),
  );
  root.append(badge);

  return new Diagram(root, lay, t, edgeEls, nodeEls, tokensLayer, badge);
}

function marker(id, cls) {
  // userSpaceOnUse: the same arrowhead on a thin line and on a highlighted thick one.
  return svg(
    'marker',
    {
      id,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerUnits: 'userSpaceOnUse',
      markerWidth: 18,
      markerHeight: 18,
      orient: 'auto-start-reverse',
    },
    svg('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }),
  );
}

class Diagram {
  constructor(root, lay, t, edgeEls, nodeEls, tokensLayer, badge) {
    Object.assign(this, { root, lay, t, edgeEls, nodeEls, tokensLayer, badge });
    this.frame = null;
    this.reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  }

  /** Copies a step view into the drawing; `message` labels the moving token. */
  show(view, { animate = true, tokenLabel = '', chipLabel = (i) => String(i + 1) } = {}) {
    cancelAnimationFrame(this.frame);
    this.tokensLayer.replaceChildren();
    this.root.dataset.status = view.status;

    const onRoute = new Set([...view.routes, ...(view.deadLetterRoutes ?? []), ...(view.deliveries ?? [])].flatMap((r) => r.edges));
    for (const [id, { g, labelEl, edge }] of this.edgeEls) {
      const matched = view.bindings[id];
      if (edge.kind === 'binding') g.setAttribute('data-matched', String(matched === true));
      const state =
        view.step === 0
          ? 'idle'
          : onRoute.has(id) || matched
            ? 'hit'
            : edge.kind === 'binding' && matched === false && this.checked(view, edge)
              ? 'miss'
              : 'idle';
      g.setAttribute('data-state', state);
      labelEl?.setAttribute('data-state', state);
      g.firstChild.setAttribute('marker-end', state === 'hit' ? 'url(#arrow-hit)' : state === 'miss' ? 'url(#arrow-miss)' : 'url(#arrow)');
    }
    for (const n of this.lay.nodes) {
      const g = this.nodeEls.get(n.id);
      if (n.kind === 'queue') {
        const q = view.queues[n.name];
        g.setAttribute('data-hit', String(q.hit));
        // Ready messages, then (consumer scenarios) the delivered ones the broker still holds until acked.
        this.drawChips(
          g.querySelector('.chips'),
          [...q.held.map((m) => [m, 'queue']), ...(q.unacked ?? []).map((m) => [m, 'unacked'])],
          chipLabel,
          n.w - 24,
        );
      } else if (n.kind === 'consumer') {
        const c = view.consumers?.[n.name];
        g.setAttribute('data-hit', String(!!c?.hit));
        g.setAttribute('data-present', String(c ? c.present || view.step === 0 : true));
        // A caption of the page's own (/live: what the consumer holds unacknowledged), else its prefetch.
        g.querySelector('[data-prefetch-label]').textContent =
          c?.caption ?? (c?.present ? (c.prefetch ? this.t('diagram.prefetch', { n: c.prefetch }) : this.t('diagram.noPrefetch')) : '');
        this.drawChips(
          g.querySelector('.chips'),
          (c?.unacked ?? []).map((m) => [m, 'unacked']),
          chipLabel,
          150,
        );
      } else if (n.kind === 'exchange') {
        g.setAttribute('data-visited', String(!!view.exchanges?.[n.name]?.visited || onRoute.has(`publish:${n.name}`)));
      }
    }
    this.placeBadge(view);
    if (view.step > 0 && animate && !this.reducedMotion) this.animate(view, tokenLabel);
  }

  /** A binding its exchange looked at for this message (so a false is a real "no"). */
  checked(view, edge) {
    return !!view.exchanges?.[edge.source]?.visited;
  }

  /** items: [message, kind] pairs; the most recent that fit in `room` px are drawn, the rest counted ("+n"). */
  drawChips(group, items, label, room) {
    group.replaceChildren();
    // The full counts, whatever fits: data-ready / data-unacked (for tests and assistive tech).
    group.setAttribute('data-ready', String(items.filter(([, k]) => k === 'queue').length));
    group.setAttribute('data-unacked', String(items.filter(([, k]) => k === 'unacked').length));
    const width = ([m]) => Math.max(32, [...label(m)].length * 12.5 + 16);
    const shown = [];
    let used = 0;
    for (let i = items.length - 1; i >= 0; i--) {
      const w = width(items[i]) + 4;
      const reserve = i > 0 ? 46 : 0; // room for "+n" if older ones stay hidden
      if (used + w + reserve > room && shown.length > 0) break;
      shown.unshift(items[i]);
      used += w;
    }
    let x = 0;
    const hidden = items.length - shown.length;
    if (hidden > 0) {
      group.append(svg('text', { x: 0, y: 21, class: 'chip-more' }, `+${hidden}`));
      x = 46;
    }
    for (const item of shown) {
      const [m, kind] = item;
      const text = label(m);
      const w = width(item);
      group.append(
        svg(
          'g',
          { class: `chip chip-${kind}`, transform: `translate(${x} 0)`, 'data-chip': text },
          svg('rect', { width: w, height: 28, rx: 5 }),
          svg('text', { x: w / 2, y: 21 }, text),
        ),
      );
      x += w + 4;
    }
  }

  placeBadge(view) {
    const text = view.status === 'discarded' ? this.t('diagram.discarded') : view.status === 'returned' ? this.t('diagram.returned') : '';
    if (!text) {
      this.badge.setAttribute('visibility', 'hidden');
      return;
    }
    // Discarded: beside the exchange that dropped it. Returned: back at the producer.
    const producer = this.lay.nodes.find((n) => n.kind === 'producer');
    const first =
      this.lay.edges.find((e) => e.kind === 'publish' && view.exchanges && view.exchanges[this.lay.byId.get(e.to).name]) ??
      this.lay.edges.find((e) => e.kind === 'publish');
    const anchor = view.status === 'returned' ? producer : (this.lay.byId.get(first?.to) ?? producer);
    // The badge's type is larger than a binding label's.
    const size = { w: [...text].length * 14 + 18, h: labelSize([text]).h };
    const x = Math.max(4, anchor.x - size.w / 2);
    // Returned: above the producer (its caption is below). Discarded: under the exchange.
    const y = view.status === 'returned' ? anchor.y - anchor.h / 2 - size.h - 14 : anchor.y + anchor.h / 2 + 14;
    this.badge.setAttribute('visibility', 'visible');
    this.badge.setAttribute('data-kind', view.status);
    const [rect, label] = this.badge.children;
    Object.entries({ x, y, width: size.w + 10, height: size.h }).forEach(([k, v]) => rect.setAttribute(k, v));
    label.setAttribute('x', x + 14);
    label.setAttribute('y', y + 27);
    label.textContent = text;
  }

  /** Moves tokens along their paths: the message first, then any dead-lettered or delivered ones. */
  animate(view, tokenLabel) {
    const tracks = [];
    const pathOf = (edgeIds) => edgeIds.map((id) => this.edgeEls.get(id)?.edge).filter(Boolean);
    if (view.routes.length > 0) {
      for (const route of view.routes) tracks.push({ edges: pathOf(route.edges), label: route.message ?? tokenLabel, delay: 0 });
    } else if (view.status === 'discarded' || view.status === 'returned') {
      const publish =
        this.lay.edges.find((e) => e.kind === 'publish' && view.exchanges && view.exchanges[this.lay.byId.get(e.to).name]) ??
        this.lay.edges.find((e) => e.kind === 'publish');
      if (publish)
        tracks.push({ edges: [publish], label: tokenLabel, delay: 0, back: view.status === 'returned', fade: view.status === 'discarded' });
    }
    const afterFirst = tracks.reduce((m, tr) => Math.max(m, tr.edges.length), 0) * EDGE_MS;
    for (const dl of view.deadLetterRoutes ?? [])
      tracks.push({ edges: pathOf(dl.edges), label: `#${dl.message + 1}`, delay: afterFirst, kind: 'dead' });
    for (const d of view.deliveries ?? [])
      tracks.push({ edges: pathOf(d.edges), label: d.message, delay: afterFirst, kind: d.redelivered ? 'redelivered' : 'delivery' });

    const tokens = tracks.map((tr) => {
      const size = labelSize([tr.label || '✉']);
      const g = svg(
        'g',
        { class: `token${tr.kind ? ` token-${tr.kind}` : ''}`, visibility: 'hidden' },
        svg('rect', { x: -size.w / 2, y: -17, width: size.w, height: 34, rx: 8 }),
        svg('text', { y: 7 }, tr.label || '✉'),
      );
      this.tokensLayer.append(g);
      return { tr, g, total: tr.edges.length * EDGE_MS * (tr.back ? 2 : 1) };
    });
    const start = performance.now();
    const tick = (now) => {
      let running = false;
      for (const { tr, g, total } of tokens) {
        const elapsed = now - start - tr.delay;
        if (elapsed < 0 || tr.edges.length === 0) {
          running = running || elapsed < 0;
          continue;
        }
        const p = Math.min(1, elapsed / total);
        let segment;
        let u;
        if (tr.back) {
          // Out to the exchange, then back along the same curve.
          const forward = p < 0.5;
          segment = tr.edges[0];
          u = forward ? p * 2 : 2 - p * 2;
        } else {
          const pos = p * tr.edges.length;
          const i = Math.min(tr.edges.length - 1, Math.floor(pos));
          segment = tr.edges[i];
          u = pos - i;
        }
        const at = pointAt(segment.points, Math.min(1, u));
        g.setAttribute('visibility', 'visible');
        g.setAttribute('transform', `translate(${at.x.toFixed(1)} ${at.y.toFixed(1)})`);
        if (tr.fade && p >= 1) g.setAttribute('data-gone', 'true');
        if (p < 1) running = true;
        else if (!tr.fade && !tr.back) g.setAttribute('data-arrived', 'true');
      }
      if (running) this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }
}

/**
 * A node's name as drawn: its label (shortened in the middle when long), and
 * then the whole name on hover (a title) and on focus (the node takes the
 * focus, and CSS shows the full text in place of the short one).
 */
function nameText(g, n, attrs) {
  if (n.label === n.fullName) return [svg('text', attrs, n.label)];
  g.setAttribute('tabindex', '0');
  g.prepend(svg('title', {}, n.fullName));
  return [
    svg('text', { ...attrs, class: `${attrs.class} name-short` }, n.label),
    svg('text', { ...attrs, class: `${attrs.class} name-full` }, n.fullName),
  ];
}
