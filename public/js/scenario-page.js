// The scenario page's controller: loads the play from the server's broker,
// keeps the current step (also in the URL, ?step=N, so a teacher can share
// it), and wires the controls, the keyboard (lib/presenter.js) and predict mode to
// the diagram, the why panel and the chart.
import { breakable, el, wordsFrom } from './lib/dom.js';
import { presenterKeys } from './lib/presenter.js';
import { layout, routingStepView, consumerStepView, quietView } from './lib/scenario-geometry.js';
import { createDiagram } from './lib/scenario-render.js';
import { explainConsumers, explainRouting } from './lib/why-panel.js';
import { createChart, consumerSeries, routingSeries } from './lib/scenario-chart.js';
import { PredictPanel } from './lib/predict.js';

const PLAY_EVERY_MS = 2600;

const page = document.querySelector('[data-scenario-page]');
const scenario = JSON.parse(page.dataset.scenarioData);
const t = wordsFrom(page.dataset.words, 'scenario.js.');
const total = scenario.steps.length;
const isRouting = scenario.kind === 'routing';

const $ = (selector) => page.querySelector(selector);
const stepOut = $('[data-step]');
const buttons = Object.fromEntries(['reset', 'prev', 'play', 'next'].map((a) => [a, $(`[data-action="${a}"]`)]));
const predictToggle = $('[data-action="predict"]');
const status = $('[data-play-status]');

const lay = layout(scenario);
const diagram = createDiagram($('[data-diagram]'), lay, t);
const chart = createChart($('[data-chart]'), scenario, t);
const predictOptions = isRouting ? scenario.definitions.queues.map((q) => q.name) : (scenario.consumers ?? []).map((c) => c.name);
const predict = new PredictPanel($('[data-predict-panel]'), $('[data-predict-result]'), predictOptions, t);

let step = clamp(Number(page.dataset.initialStep) || 0);
let play = null;
let timer = null;
let predicting = false;

render({ animate: false });
loadPlay();

// --- loading ---------------------------------------------------------------------

async function loadPlay() {
  try {
    const res = await fetch(`/api/scenarios/${encodeURIComponent(scenario.id)}/play`, {
      headers: { accept: 'application/json', 'accept-language': document.documentElement.lang },
    });
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
    const failure = body.error ?? (body.setup_error ? JSON.stringify(body.setup_error) : null);
    if (failure) throw new Error(failure);
    play = body;
  } catch (err) {
    status.dataset.state = 'error';
    status.textContent = t('status.error', { error: err.message });
    return;
  }
  status.dataset.state = 'ready';
  status.dataset.playBroker = play.broker;
  const mismatches = isRouting ? play.steps.filter((s) => s.prediction_mismatch).length : play.steps.filter((s) => s.mismatch).length;
  status.textContent = t(play.broker === 'rabbitmq' ? 'status.rabbitmq' : 'status.embedded');
  if (mismatches > 0) status.append(' ', el('strong', { class: 'mismatch' }, t('status.mismatch', { n: mismatches })));
  for (const b of Object.values(buttons)) b.disabled = false;
  page.dataset.ready = 'true';
  render({ animate: false });
}

// --- state -----------------------------------------------------------------------

function clamp(k) {
  return Math.max(0, Math.min(total, Number.isFinite(k) ? Math.trunc(k) : 0));
}

function go(k) {
  if (!play) return;
  const next = clamp(k);
  const moved = next !== step;
  step = next;
  render({ animate: moved });
  history.replaceState(null, '', urlFor(step, page.dataset.lang));
  updateLangLink();
}

function next() {
  if (!play) return;
  // In predict mode the first "next" on a step reveals it, the second moves on.
  if (predicting && predict.isPending(step)) return reveal();
  if (step === total) return stopPlaying();
  go(step + 1);
}

function prev() {
  go(step - 1);
}

function reset() {
  stopPlaying();
  // Home starts a new round: every step is asked again, the score is 0.
  if (predicting) predict.restart();
  go(0);
  render({ animate: false });
}

function togglePlay() {
  if (!play) return;
  if (timer) return stopPlaying();
  if (step === total) go(0);
  timer = setInterval(playOne, PLAY_EVERY_MS);
  showPlayButton('⏸', t('pause'));
  buttons.play.dataset.playing = 'true';
  playOne();
}

/** One beat of Play: in predict mode it stops on a step the class has not answered yet (→ reveals it). */
function playOne() {
  if (predicting && predict.isPending(step) && !predict.isAnswered(step)) return stopPlaying();
  next();
  if (predicting && predict.isPending(step)) stopPlaying();
}

function stopPlaying() {
  clearInterval(timer);
  timer = null;
  showPlayButton('▶', t('play'));
  buttons.play.dataset.playing = 'false';
}

/** The play button is a symbol; its name (read out, and shown on hover) says what it does now. */
function showPlayButton(symbol, name) {
  buttons.play.textContent = symbol;
  buttons.play.setAttribute('aria-label', name);
  buttons.play.title = name;
}

function answerFor(k) {
  const played = play.steps[k - 1];
  return isRouting ? played.hit : [...new Set(played.deliveries.map((d) => d.consumer))];
}

function reveal() {
  if (!play || step === 0) return;
  predict.reveal(step, answerFor(step));
  render({ animate: true });
}

function urlFor(k, lang) {
  const params = new URLSearchParams(location.search);
  params.set('step', String(k));
  params.set('lang', lang);
  return `${location.pathname}?${params}`;
}

/** The header's language link keeps the current step. */
function updateLangLink() {
  const link = document.querySelector('.lang-switch');
  if (link) link.setAttribute('href', urlFor(step, page.dataset.lang === 'fr' ? 'en' : 'fr'));
}

// --- drawing ---------------------------------------------------------------------

function render({ animate }) {
  const pending = predicting && predict.isPending(step) && play !== null;
  stepOut.dataset.step = String(step);
  stepOut.textContent = String(step);
  page.dataset.pending = String(pending);

  // While the class predicts, the diagram shows the state before the message.
  const shown = pending ? step - 1 : step;
  const full = isRouting ? routingStepView(lay, scenario, play, shown) : consumerStepView(lay, scenario, play, shown);
  const view = pending ? quietView(full) : full;
  diagram.show(view, {
    animate,
    tokenLabel: shown > 0 && isRouting ? tokenLabel(scenario.steps[shown - 1].message, shown) : '',
    chipLabel: isRouting ? (i) => String(i + 1) : shortName,
  });
  markPicks(pending);
  drawMessageCard(step);
  drawOutcome(pending ? 0 : step, view);
  const why = $('[data-why]');
  if (pending) {
    why.replaceChildren(el('p', { class: 'why-empty' }, t('why.pending')));
  } else if (isRouting) {
    explainRouting(why, scenario, play?.steps[step - 1], step, t);
  } else {
    explainConsumers(why, scenario, play?.steps[step - 1], step, t);
  }
  chart.update(isRouting ? routingSeries(scenario, play, shown) : consumerSeries(scenario, play, shown));
  if (predicting) predict.show(step, pending || step === 0 ? null : answerFor(step), isRouting ? 'queues' : 'consumers');
  else predict.hide();

  buttons.prev.disabled = !play || step === 0;
  buttons.reset.disabled = !play || step === 0;
  buttons.next.disabled = !play || (step === total && !(predicting && predict.isPending(step)));
  document.title = document.title.replace(/^\(\d+\/\d+\) /, '');
  if (step > 0) document.title = `(${step}/${total}) ${document.title}`;
}

/** The queues (or consumers) the class picked are marked in the diagram too, while it predicts. */
function markPicks(pending) {
  const picked = pending ? predict.picked(step) : new Set();
  for (const node of $('[data-diagram]').querySelectorAll(isRouting ? '[data-queue]' : '[data-consumer]')) {
    const name = isRouting ? node.dataset.queue : node.dataset.consumer;
    node.setAttribute('data-picked', String(picked.has(name)));
  }
}

function tokenLabel(message, k) {
  const label = message.routing_key || message.payload || `#${k}`;
  return label.length > 24 ? `${label.slice(0, 23)}…` : label;
}

/** "task 3" → "3": chips are small. */
function shortName(name) {
  const m = /(\d+)$/.exec(name);
  return m ? m[1] : name.slice(0, 3);
}

function drawMessageCard(k) {
  const card = $('[data-message-card]');
  const narration = $('[data-narration]');
  card.replaceChildren();
  if (k === 0) {
    // Before the first message: what the scenario is about, in one sentence.
    card.append(el('p', { class: 'card-summary' }, page.dataset.summary), el('p', { class: 'hint' }, t('before')));
    narration.textContent = '';
    return;
  }
  const s = scenario.steps[k - 1];
  const pending = predicting && predict.isPending(k);
  narration.textContent = pending ? '' : s.narration;
  if (isRouting) {
    const m = s.message;
    const rows = [
      [t('card.exchange'), m.exchange === '' ? t('card.defaultExchange') : m.exchange],
      [t('card.routingKey'), m.routing_key === undefined || m.routing_key === '' ? '""' : m.routing_key],
    ];
    const headers = m.properties?.headers ?? null;
    rows.push([
      t('card.headers'),
      headers && Object.keys(headers).length
        ? Object.entries(headers)
            .map(([hk, v]) => `${hk}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(', ')
        : t('card.none'),
    ]);
    if (m.payload) rows.push([t('card.body'), m.payload]);
    rows.push([t('card.mandatory'), m.mandatory ? t('card.yes') : t('card.no')]);
    card.append(el('dl', {}, ...rows.flatMap(([dt, dd]) => [el('dt', {}, dt), el('dd', {}, el('code', {}, breakable(dd)))])));
  } else {
    card.append(el('ul', { class: 'card-actions' }, ...s.actions.map((a) => el('li', {}, actionText(a)))));
  }
}

function actionText(a) {
  switch (a.type) {
    case 'publish':
      return t('card.publish', { message: a.message.payload, queue: a.message.routing_key });
    case 'consume':
      return a.prefetch
        ? t('card.consumePrefetch', { consumer: a.consumer, queue: a.queue, n: a.prefetch })
        : t('card.consume', { consumer: a.consumer, queue: a.queue });
    case 'ack':
      return t('card.ack', { consumer: a.consumer, message: a.message });
    case 'nack':
      return t(a.requeue ? 'card.nackRequeue' : 'card.nackDrop', { consumer: a.consumer, message: a.message });
    case 'leave':
      return t('card.leave', { consumer: a.consumer });
    default:
      return a.type;
  }
}

function drawOutcome(k, view) {
  const out = $('[data-outcome]');
  out.dataset.status = k === 0 || !play ? 'none' : view.status;
  if (k === 0 || !play) {
    out.textContent = '';
    return;
  }
  const played = play.steps[k - 1];
  if (isRouting) {
    out.textContent = played.hit.length
      ? t('outcome.routed', { queues: played.hit.join(', ') })
      : t(played.returned ? 'outcome.returned' : 'outcome.discarded');
  } else {
    out.textContent = played.deliveries.length
      ? played.deliveries
          .map((d) => t(d.redelivered ? 'outcome.redelivered' : 'outcome.delivered', { message: d.message, consumer: d.consumer }))
          .join(' · ')
      : t('outcome.noDelivery');
  }
}

// --- input -----------------------------------------------------------------------

buttons.next.addEventListener('click', next);
buttons.prev.addEventListener('click', prev);
buttons.reset.addEventListener('click', reset);
buttons.play.addEventListener('click', togglePlay);
$('[data-action="reveal"]').addEventListener('click', reveal);
predictToggle.addEventListener('change', () => {
  predicting = predictToggle.checked;
  page.dataset.predict = String(predicting);
  if (predicting && step > 0) predict.markShown(step);
  render({ animate: false });
});
$('[data-predict-options]').addEventListener('change', (event) => {
  const data = event.target?.dataset ?? {};
  if (data.predictOption !== undefined) predict.toggle(step, data.predictOption);
  else if (data.predictNowhere !== undefined) predict.toggleNowhere(step);
  else return;
  render({ animate: false });
  // The list was drawn again: keep the focus on the same choice.
  const again = data.predictOption !== undefined ? `[data-predict-option="${CSS.escape(data.predictOption)}"]` : '[data-predict-nowhere]';
  $('[data-predict-options]').querySelector(again)?.focus();
});
// On a projector it is quicker to click the queue itself.
$('[data-diagram]').addEventListener('click', (event) => {
  if (!predicting || !predict.isPending(step)) return;
  const target = event.target.closest(isRouting ? '[data-queue]' : '[data-consumer]');
  if (target) {
    predict.toggle(step, isRouting ? target.dataset.queue : target.dataset.consumer);
    render({ animate: false });
  }
});

// The keys every stepping page shares (→ PageDown space, ← PageUp, Home, p, f, ?).
// Stepping by hand stops autoplay.
presenterKeys({
  next: () => {
    stopPlaying();
    next();
  },
  prev: () => {
    stopPlaying();
    prev();
  },
  first: reset,
  play: togglePlay,
});

// Code tabs and copy.
const tabs = [...page.querySelectorAll('[data-code-tab]')];
for (const tab of tabs) {
  tab.addEventListener('click', () => {
    for (const other of tabs) other.setAttribute('aria-selected', String(other === tab));
    for (const pre of page.querySelectorAll('pre[data-code]')) pre.hidden = pre.dataset.code !== tab.dataset.codeTab;
  });
}
$('[data-action="copy"]').addEventListener('click', async () => {
  const visible = [...page.querySelectorAll('pre[data-code]')].find((pre) => !pre.hidden);
  const copyStatus = $('[data-copy-status]');
  try {
    await navigator.clipboard.writeText(visible.textContent);
    copyStatus.textContent = t('copied');
  } catch {
    const range = document.createRange();
    range.selectNodeContents(visible);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    copyStatus.textContent = t('copyByHand');
  }
});
updateLangLink();
