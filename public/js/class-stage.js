// The class pages' stage: one item of the lesson at one step — a scenario
// step drawn with the scenario page's own diagram and why panel, or a
// challenge's prompt and messages. Used by the teacher's and the students'
// pages alike; while a question is open, the diagram shows the state before
// the message (as predict mode does).
import { breakable, el } from './lib/dom.js';
import { layout, routingStepView, quietView } from './lib/scenario-geometry.js';
import { createDiagram } from './lib/scenario-render.js';
import { explainRouting } from './lib/why-panel.js';

export function createStage(page, ts, tc) {
  const $ = (s) => page.querySelector(s);
  const plays = new Map();
  let drawn = null; // { index, lay, diagram }
  let last = null;

  function playOf(id, redraw) {
    if (!plays.has(id)) {
      plays.set(id, null);
      fetch(`/api/scenarios/${encodeURIComponent(id)}/play`, {
        headers: { accept: 'application/json', 'accept-language': document.documentElement.lang },
      })
        .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))))
        .then((play) => {
          plays.set(id, play);
          redraw();
        })
        .catch(() => {
          plays.delete(id);
          $('[data-class-status]').textContent = tc('class.status.play-failed');
        });
    }
    return plays.get(id);
  }

  /** Draws item `index` (page data) at `step`; `pending`: the class is still answering. */
  function show(items, index, step, { pending = false } = {}) {
    last = [items, index, step, { pending }];
    const item = items[index];
    const stepOut = $('[data-step]');
    stepOut.dataset.step = String(step);
    stepOut.textContent = String(step);
    page.dataset.item = String(index);
    page.dataset.pending = String(pending);
    if (!item) return;
    const isChallenge = item.kind === 'challenge';
    page.dataset.itemKind = item.kind;
    $('[data-scenario-box]').hidden = isChallenge;
    $('[data-challenge]').hidden = !isChallenge;
    $('[data-total]').textContent = String(isChallenge ? 0 : item.scenario.steps.length);
    $('[data-item-title]').textContent = isChallenge ? item.challenge.title : item.title;
    if (isChallenge) return showChallenge(item.challenge);

    const scenario = item.scenario;
    if (!drawn || drawn.index !== index) {
      const lay = layout(scenario);
      drawn = { index, lay, diagram: createDiagram($('[data-diagram]'), lay, ts) };
    }
    const play = playOf(scenario.id, () => last && show(...last));
    const shown = pending ? step - 1 : step;
    const full = routingStepView(drawn.lay, scenario, play, shown);
    const view = pending ? quietView(full) : full;
    const message = shown > 0 ? scenario.steps[shown - 1].message : null;
    drawn.diagram.show(view, { animate: false, tokenLabel: message ? message.routing_key || `#${shown}` : '' });
    drawCard(scenario, step, pending);
    drawOutcome(play, pending ? 0 : step, view);
    const why = $('[data-why]');
    if (pending) why.replaceChildren(el('p', { class: 'why-empty' }, ts('why.pending')));
    else explainRouting(why, scenario, play?.steps[step - 1], step, ts);
  }

  function drawCard(scenario, k, pending) {
    const card = $('[data-message-card]');
    const narration = $('[data-narration]');
    card.replaceChildren();
    if (k === 0) {
      card.append(el('p', { class: 'hint' }, ts('before')));
      narration.textContent = '';
      return;
    }
    const s = scenario.steps[k - 1];
    narration.textContent = pending ? '' : s.narration;
    card.append(messageList(s.message));
  }

  function messageList(m) {
    const headers = m.properties?.headers ?? null;
    const rows = [
      [ts('card.exchange'), m.exchange === '' ? ts('card.defaultExchange') : m.exchange],
      [ts('card.routingKey'), m.routing_key === undefined || m.routing_key === '' ? '""' : m.routing_key],
      [ts('card.headers'), headers && Object.keys(headers).length ? headersText(headers) : ts('card.none')],
    ];
    if (m.payload) rows.push([ts('card.body'), m.payload]);
    return el('dl', {}, ...rows.flatMap(([dt, dd]) => [el('dt', {}, dt), el('dd', {}, el('code', {}, breakable(dd)))]));
  }

  function drawOutcome(play, k, view) {
    const out = $('[data-outcome]');
    const played = play?.steps[k - 1];
    out.dataset.status = k === 0 || !played ? 'none' : view.status;
    if (k === 0 || !played) {
      out.textContent = '';
      return;
    }
    out.textContent = played.hit.length
      ? ts('outcome.routed', { queues: played.hit.join(', ') })
      : ts(played.returned ? 'outcome.returned' : 'outcome.discarded');
  }

  function showChallenge(c) {
    $('[data-challenge-prompt]').textContent = c.prompt;
    // The prompt and its messages are the card; the answer's field is named once, where it is typed.
    $('[data-message-card]').replaceChildren();
    $('[data-narration]').textContent = '';
    const out = $('[data-outcome]');
    out.textContent = '';
    out.dataset.status = 'none';
    $('[data-why]').replaceChildren(el('p', { class: 'why-empty' }, tc('class.challenge.why')));
    drawChallengeMessages(c, null);
  }

  /** The challenge's messages; with a grade, what the student's binding received. */
  function drawChallengeMessages(c, grade) {
    $('[data-challenge-got-head]').hidden = !grade;
    $('[data-challenge-messages]').replaceChildren(
      ...c.messages.map((m, i) => {
        const r = grade?.results[i];
        const keyOrHeaders =
          c.type === 'headers'
            ? headersText(m.message.properties?.headers ?? {})
            : m.message.routing_key === ''
              ? '""'
              : m.message.routing_key;
        return el(
          'tr',
          { 'data-challenge-message': m.label, ...(r ? { 'data-ok': String(r.receive === r.received) } : {}) },
          el('th', {}, m.label),
          el('td', {}, el('code', {}, m.message.exchange)),
          el('td', {}, el('code', {}, keyOrHeaders)),
          el('td', {}, m.receive ? tc('class.challenge.yes') : tc('class.challenge.no')),
          r
            ? el('td', {}, `${r.received ? tc('class.challenge.yes') : tc('class.challenge.no')} ${r.receive === r.received ? '✓' : '✗'}`)
            : null,
        );
      }),
    );
  }

  /**
   * The verdict in `container`, and the engine's reasons for the messages the
   * student's binding got wrong (the same trace as the why panel) in `reasons`
   * — the why, under the challenge, where its tables have the width.
   */
  function explainGrade(container, c, grade, reasons = container) {
    container.replaceChildren();
    if (reasons !== container) reasons.replaceChildren();
    drawChallengeMessages(c, grade);
    container.dataset.verdict = grade.right ? 'right' : 'wrong';
    container.append(
      el(
        'p',
        { class: 'challenge-verdict' },
        el('strong', {}, grade.right ? tc('class.challenge.solved') : tc('class.challenge.failed')),
        ' ',
        tc('class.challenge.binding', { binding: bindingText(grade.binding) }),
      ),
    );
    for (const r of grade.results) {
      if (r.receive === r.received) continue;
      const box = el('section', { class: 'challenge-reason', 'data-reason': r.label });
      box.append(el('h3', {}, tc(r.receive ? 'class.challenge.missed' : 'class.challenge.extra', { label: r.label })));
      const why = el('div', { class: 'why-body' });
      const definitions = { ...c.definitions, bindings: [...(c.definitions.bindings ?? []), grade.binding] };
      explainRouting(
        why,
        { definitions, steps: [{ message: r.message }] },
        { trace: r.trace, hit: r.received ? ['mine'] : [], returned: false },
        1,
        ts,
      );
      box.append(why);
      reasons.append(box);
    }
    if (grade.right && reasons !== container)
      reasons.append(el('p', { class: 'why-result', 'data-status': 'routed' }, tc('class.challenge.allRight')));
  }

  return { show, explainGrade, redraw: () => last && show(...last) };
}

export function headersText(headers) {
  return Object.entries(headers)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

function bindingText(b) {
  if (b.arguments) return `${b.source} → ${b.destination} [${headersText(b.arguments)}]`;
  return `${b.source} → ${b.destination} "${b.routing_key ?? ''}"`;
}
