// Draws a run's outcome the way the scenario pages do — the same geometry,
// renderer and "why" panel (lib/scenario-*.js, lib/why-panel.js) — for the
// message picked in the list. The sandbox is turned into what those modules
// read: a routing scenario (one step per message) and its play (what each
// step did, from the run's outcome and the engine's traces).
import { PREDECLARED } from './lib/amqp-vocabulary.js';
import { el } from './lib/dom.js';
import { layeredLayout } from './lib/layered-layout.js';
import { routingStepView } from './lib/scenario-geometry.js';
import { createDiagram } from './lib/scenario-render.js';
import { explainRouting } from './lib/why-panel.js';
import { DiagramView } from './sandbox-diagram-view.js';
import { entityLabel, reasonText, refusalText } from './sandbox-refusals.js';
import { foldWhy } from './sandbox-why-fold.js';

/** Queue arguments that can take a message back out after it arrived (play-routing.ts keeps the same list). */
const REMOVING_ARGS = ['x-max-length', 'x-max-length-bytes', 'x-message-ttl', 'x-overflow'];

export function asScenario(state) {
  const declared = new Set(state.topology.exchanges.map((x) => x.name));
  const used = [
    ...state.topology.bindings.flatMap((b) => [b.source, ...(b.destination_type === 'exchange' ? [b.destination] : [])]),
    ...state.messages.map((m) => m.exchange),
  ];
  const predeclared = [...new Set(used)]
    .filter((name) => !declared.has(name) && Object.hasOwn(PREDECLARED, name))
    .map((name) => ({ name, type: PREDECLARED[name], durable: true, auto_delete: false, internal: false, arguments: {} }));
  return {
    kind: 'routing',
    definitions: { ...state.topology, exchanges: [...predeclared, ...state.topology.exchanges] },
    consumers: [],
    steps: state.messages.map((message) => ({ message })),
  };
}

/**
 * One played step per message. `hit`: the queues the message reached. On the
 * embedded broker the engine's trace is the fact. On RabbitMQ the broker's
 * own answer is (outcome.queues); its trace is the engine's prediction, used
 * only when the prediction agrees with the broker on the whole run
 * (prediction_mismatch = []), else the queues holding the message at the end
 * are shown, beside the mismatch. `holds`: queue contents after that
 * message; exact by cutting the final contents when no queue can drop.
 */
export function asPlay(state, outcome) {
  const finalHolds = outcome.queues ?? {};
  const canDrop = state.topology.queues.some((q) => Object.keys(q.arguments ?? {}).some((k) => REMOVING_ARGS.includes(k)));
  const returned = new Set(outcome.returned ?? []);
  const onRabbitMq = 'prediction_mismatch' in outcome;
  const traceAgrees = !onRabbitMq || (Array.isArray(outcome.prediction_mismatch) && outcome.prediction_mismatch.length === 0);
  return {
    steps: state.messages.map((_, i) => {
      const trace = outcome.traces?.[i] ?? null;
      const holds = Object.fromEntries(Object.entries(finalHolds).map(([q, held]) => [q, canDrop ? held : held.filter((n) => n <= i)]));
      const hit = trace && traceAgrees ? trace.routed_to : Object.keys(finalHolds).filter((q) => finalHolds[q].includes(i));
      return { hit, returned: returned.has(i), holds, trace, prediction_mismatch: (outcome.prediction_mismatch ?? []).length > 0 };
    }),
  };
}

/** A short result per message for the message list: "→ Q1, Q2", "↩ returned", "✗ 404"… */
export function messageResults(state, outcome) {
  if (!outcome || outcome.setup_error) return [];
  const play = asPlay(state, outcome);
  return play.steps.map((s, i) => {
    const error = outcome.publish_errors?.[String(i)];
    if (error !== undefined) return `✗ ${error}`;
    if (s.hit.length > 0) return `→ ${s.hit.join(', ')}`;
    return s.returned ? '↩' : '✗';
  });
}

function svgTitle(text) {
  const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
  title.setAttribute('data-refusal', '');
  title.textContent = text;
  return title;
}

export class OutcomeView {
  constructor(root, t, tScenario) {
    Object.assign(this, { root, t, tScenario });
    this.svg = root.querySelector('[data-diagram]');
    this.view = new DiagramView(root, t);
    this.layoutKey = null;
  }

  show(state, outcome, selected, { animate = false } = {}) {
    this.lastState = state;
    const scenario = asScenario(state);
    // The drawing depends on the topology and on which exchanges are published to.
    const key = JSON.stringify([state.topology, [...new Set(state.messages.map((m) => m.exchange))]]);
    if (key !== this.layoutKey) {
      this.layoutKey = key;
      const started = performance.now();
      this.lay = layeredLayout(scenario);
      // How long a large topology takes to lay out (the test and the README report it).
      this.svg.dataset.layoutMs = String(Math.round(performance.now() - started));
      this.diagram = createDiagram(this.svg, this.lay, this.tScenario);
      this.view.laidOut(this.lay);
      const names = [...new Set(this.lay.nodes.filter((n) => n.kind === 'exchange' || n.kind === 'queue').map((n) => n.name))];
      this.root.querySelector('[data-datalist="diagram"]').replaceChildren(...names.map((name) => el('option', { value: name })));
    }
    const usable = outcome && !outcome.setup_error ? outcome : null;
    const play = usable ? asPlay(state, usable) : null;
    const k = usable && selected !== null && selected < state.messages.length ? selected + 1 : 0;
    const view = routingStepView(this.lay, scenario, play, k);
    this.diagram.show(view, { animate, tokenLabel: k > 0 ? `#${k}` : '', chipLabel: (i) => `#${i + 1}` });
    const why = this.root.querySelector('[data-why]');
    if (k === 0) why.replaceChildren(el('p', { class: 'why-empty' }, this.t('whyNone')));
    else {
      explainRouting(why, scenario, play.steps[k - 1], k, this.tScenario);
      foldWhy(why, this.t);
    }
    this.markRefused(state, usable);
    this.showLine(state, usable, k, view);
    this.showSetupError(outcome);
    this.showMismatch(usable);
    this.showHolds(state, usable);
  }

  /**
   * The refused declarations in the drawing too: a refused queue or exchange
   * (when no other declaration of that name succeeded) and a refused binding
   * are drawn dashed in red, their reason as a tooltip.
   */
  markRefused(state, outcome) {
    for (const node of this.svg.querySelectorAll('[data-refused]')) {
      node.removeAttribute('data-refused');
      node.querySelector(':scope > title[data-refusal]')?.remove();
    }
    const refusals = outcome?.refusals ?? [];
    for (const r of refusals) {
      const list = state.topology[`${r.kind}s`];
      const entity = list?.[r.index];
      if (!entity) continue;
      let target = null;
      if (r.kind === 'binding') target = this.svg.querySelector(`[data-binding="${r.index}"]`);
      else {
        const accepted = list.some(
          (e, i) => i !== r.index && e.name === entity.name && !refusals.some((o) => o.kind === r.kind && o.index === i),
        );
        if (!accepted) target = this.svg.querySelector(`[data-${r.kind}="${CSS.escape(entity.name)}"]`);
      }
      if (!target) continue;
      target.setAttribute('data-refused', 'true');
      target.prepend(svgTitle(refusalText(r, this.t)));
    }
  }

  showLine(state, outcome, k, view) {
    const line = this.root.querySelector('[data-outcome]');
    if (k === 0) {
      line.dataset.status = 'none';
      line.textContent = outcome || state.messages.length === 0 ? this.t('outcome.none') : '';
      return;
    }
    const i = k - 1;
    const m = state.messages[i];
    const error = outcome.traces?.[i]?.error;
    const code = outcome.publish_errors?.[String(i)];
    if (code !== undefined) {
      line.dataset.status = 'refused';
      line.textContent = this.t('outcome.refused', {
        n: k,
        message: error ? (error.reason ? refusalText(error, this.t) : error.message) : String(code),
      });
      return;
    }
    const played = asPlay(state, outcome).steps[i];
    const key = m.routing_key === '' ? '""' : m.routing_key;
    line.dataset.status = view.status;
    line.textContent =
      played.hit.length > 0
        ? this.t('outcome.routed', { n: k, key, queues: played.hit.join(', ') })
        : this.t(played.returned ? 'outcome.returned' : 'outcome.discarded', { n: k, key });
  }

  /** The declarations the broker refused, each in the page's words; the rest of the topology ran without them. */
  showSetupError(outcome) {
    const box = this.root.querySelector('[data-setup-error]');
    const refusals = outcome?.refusals ?? [];
    box.hidden = refusals.length === 0;
    if (refusals.length === 0) return box.replaceChildren();
    const topology = this.lastState.topology;
    box.replaceChildren(
      el('span', {}, refusals.length === 1 ? this.t('refusals.one') : this.t('refusals.many', { count: refusals.length })),
      el(
        'ul',
        {},
        ...refusals.map((r) =>
          el(
            'li',
            { 'data-refusal-of': `${r.kind}:${r.index}` },
            this.t('refusals.item', { what: entityLabel(topology, r.kind, r.index, this.t), reason: reasonText(r, this.t) }),
            ' ',
            el('span', { class: 'reply-code' }, `(${r.text}, ${r.code})`),
          ),
        ),
      ),
    );
  }

  showMismatch(outcome) {
    const box = this.root.querySelector('[data-mismatch]');
    const details = outcome?.prediction_mismatch ?? [];
    box.hidden = details.length === 0;
    box.textContent = details.length ? this.t('mismatch', { details: details.join(' · ') }) : '';
  }

  /** What each queue holds after every message (hook: data-holds-queue, so that data-queue stays the diagram's). */
  showHolds(state, outcome) {
    const box = this.root.querySelector('[data-queue-summary]');
    if (!outcome || state.messages.length === 0) return box.replaceChildren();
    box.replaceChildren(
      el(
        'ul',
        {},
        ...state.topology.queues.map((q) => {
          const held = outcome.queues?.[q.name] ?? [];
          return el(
            'li',
            { 'data-holds-queue': q.name, 'data-holds': held.map((i) => i + 1).join(' ') },
            held.length
              ? this.t('holds', { queue: q.name, messages: held.map((i) => `#${i + 1}`).join(', ') })
              : this.t('holds.empty', { queue: q.name }),
          );
        }),
      ),
    );
  }
}
