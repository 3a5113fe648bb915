// /live: what the programs connected to a vhost do, drawn as they do it. The
// server sends the vhost's state a few times a second over a WebSocket
// (src/live/live-socket.ts); this page keeps the last messages, draws the
// selected one with the scenario pages' diagram and why panel, and lists the
// queues (ready / unacked), exchanges and connections. Pause, ← →, clear and
// "follow" act on this page only. Every name and body is shown as text.
import { el, wordsFrom } from './lib/dom.js';
import { presenterKeys } from './lib/presenter.js';
import { layeredLayout } from './lib/layered-layout.js';
import { routingStepView } from './lib/scenario-geometry.js';
import { createDiagram } from './lib/scenario-render.js';
import { explainRouting } from './lib/why-panel.js';
import { asPlay, asSandboxState, asScenario, consumerViews, layoutKey, mergeMessages } from './live-model.js';
import { download, saveScenario } from './sandbox-api.js';
import { DiagramView } from './sandbox-diagram-view.js';

const page = document.querySelector('[data-live-page]');
const t = wordsFrom(page.dataset.words, 'live.');
const tScenario = wordsFrom(page.dataset.words, 'scenario.js.');
// Zoom, pan and search by name, as in the sandbox (a real system's topology can be large).
// The diagram takes what the screen has left above the message card and the why (--diagram-room of it).
const liveScreen = page.querySelector('.live-screen');
const diagramRoom = () => liveScreen.clientHeight * (parseFloat(getComputedStyle(liveScreen).getPropertyValue('--diagram-room')) || 0.62);
const zoomable = new DiagramView(page.querySelector('[data-live-main]'), wordsFrom(page.dataset.words, 'sandbox.'), {
  fill: true,
  room: diagramRoom,
});
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const $ = (sel) => page.querySelector(sel);

const view = {
  state: null,
  messages: [],
  clearedAfter: 0,
  selected: null, // message id, or null: follow the newest
  paused: false,
  pending: null, // a state that arrived while paused
  layoutKey: null,
  diagram: null,
  lay: null,
  lastPublished: 0,
  frame: 0,
  animate: false,
  drawn: {},
  /** Following the newest: which one is shown, since when (a flood moves on at most 4 times a second). */
  followed: { id: 0, at: 0 },
};
const FOLLOW_MS = 250;

// --- connecting -----------------------------------------------------------

const params = new URLSearchParams(location.search);
const form = $('[data-live-login]');
if (params.get('vhost')) form.elements.vhost.value = params.get('vhost');
form.addEventListener('submit', (e) => {
  e.preventDefault();
  watch({ type: 'watch', vhost: form.elements.vhost.value, user: form.elements.user.value, password: form.elements.password.value });
});
let socket = null;
let lastRequest = null;
if (params.get('key')) watch({ type: 'watch', vhost: params.get('vhost') ?? '/', key: params.get('key') });
// On the machine itself (the teacher at their laptop), "/" as guest, with no form: guest works from there only.
else if (page.dataset.local === 'true' && !params.has('login'))
  watch({ type: 'watch', vhost: params.get('vhost') ?? '/', user: 'guest', password: 'guest' });
function watch(request) {
  lastRequest = request;
  socket?.close();
  status('connecting');
  socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live/ws`);
  socket.addEventListener('open', () => socket.send(JSON.stringify(request)));
  socket.addEventListener('message', (e) => onMessage(JSON.parse(e.data)));
  socket.addEventListener('close', () => {
    if (socket && lastRequest === request) status('closed');
  });
}

function onMessage(message) {
  if (message.type === 'error') return status('error', { message: t(message.key.replace(/^live\./, '')) });
  if (message.type === 'welcome') {
    page.dataset.vhost = message.vhost;
    page.dataset.watching = 'true'; // the introduction folds away: the diagram gets the screen
    form.hidden = true;
    $('[data-live-main]').hidden = false;
    showVhostPicker(message);
    return status('watching', { vhost: message.vhost });
  }
  if (message.type === 'state') {
    if (view.paused) view.pending = message;
    else apply(message);
  }
}

function showVhostPicker(welcome) {
  const box = $('[data-live-vhosts]');
  box.hidden = !welcome.teacher;
  if (!welcome.teacher) return;
  const select = box.querySelector('select');
  select.replaceChildren(
    ...[...new Set([welcome.vhost, ...welcome.vhosts])].map((v) => el('option', { value: v, selected: v === welcome.vhost }, v)),
  );
  box.querySelector('input').value = '';
}
$('[data-live-vhosts]').addEventListener('submit', (e) => {
  e.preventDefault();
  const typed = e.target.elements.other.value.trim();
  const vhost = typed || e.target.elements.pick.value;
  view.messages = [];
  view.selected = null;
  watch({ ...lastRequest, vhost });
});

function status(key, params = {}) {
  const line = $('[data-live-status]');
  line.dataset.status = key;
  line.textContent = t(`status.${key}`, params);
}

// --- applying a state -----------------------------------------------------

function apply(state) {
  const fresh = state.messages.filter((m) => m.id > view.lastPublished);
  view.state = state;
  view.messages = mergeMessages(view.messages, state.messages).filter((m) => m.id > view.clearedAfter);
  view.lastPublished = state.published;
  // At most one drawing per frame, of the latest state: a flood never queues work in the page.
  view.animate ||= fresh.length > 0 && view.selected === null;
  if (!view.frame) {
    view.frame = requestAnimationFrame(() => {
      view.frame = 0;
      render(view.animate);
      view.animate = false;
    });
  }
}

/** Redraws a part of the page only when what it shows changed. */
function once(part, key, draw) {
  if (view.drawn[part] === key) return;
  view.drawn[part] = key;
  draw();
}

function shown() {
  return view.messages;
}

function current() {
  const list = shown();
  if (list.length === 0) return null;
  if (view.selected !== null) return list.find((m) => m.id === view.selected) ?? list[list.length - 1];
  const now = performance.now();
  const still = list.find((m) => m.id === view.followed.id);
  if (still && now - view.followed.at < FOLLOW_MS) return still;
  const newest = list[list.length - 1];
  view.followed = { id: newest.id, at: now };
  return newest;
}

function render(animate) {
  const state = view.state;
  if (!state) return;
  const list = shown();
  const scenario = asScenario(state, list);
  const key = layoutKey(state, list);
  if (key !== view.layoutKey) {
    view.layoutKey = key;
    // The sandbox's layered layout: a real system's 30 queues stay apart and readable.
    view.lay = layeredLayout(scenario);
    view.diagram = createDiagram($('[data-diagram]'), view.lay, tScenario);
    zoomable.laidOut(view.lay);
    view.drawn = {};
  }
  const message = current();
  const k = message ? list.indexOf(message) + 1 : 0;
  const about = message
    ? JSON.stringify([message.id, message.deliveries, message.returned, message.disagreement ?? '', Boolean(message.trace)])
    : '';
  const held = JSON.stringify(scenario.consumers.map((k) => k.unacked));
  once('message', about + held, () => {
    const play = asPlay(list);
    const stepView = routingStepView(view.lay, scenario, play, k);
    stepView.consumers = consumerViews(scenario.consumers, message, (n) => t('consumer.unacked', { n }));
    view.diagram.show(stepView, {
      animate: animate && !reducedMotion.matches,
      tokenLabel: message ? `#${message.id}` : '',
      chipLabel: (i) => `#${i}`,
    });
    const why = $('[data-why]');
    if (k === 0) why.replaceChildren(el('p', { class: 'why-empty' }, t('why.none')));
    else explainRouting(why, scenario, play.steps[k - 1], k, tScenario);
    renderCard(message);
  });
  once('list', JSON.stringify([list.at(-1)?.id, list.length, message?.id, list.filter((m) => m.disagreement).length]), () =>
    renderMessages(list, message),
  );
  once('queues', JSON.stringify(state.queues), () => renderQueues(state));
  once('exchanges', JSON.stringify(state.exchanges), () => renderExchanges(state));
  once('connections', JSON.stringify(state.connections), () => renderConnections(state));
  once('flood', JSON.stringify([state.published, state.kept, view.clearedAfter]), () => renderFlood(state));
}

function renderCard(message) {
  const card = $('[data-message-card]');
  if (!message) {
    card.replaceChildren(el('p', { class: 'hint' }, t('card.none')));
    return;
  }
  const where = message.error
    ? t('card.refused', { message: message.error.message })
    : message.queues.length
      ? t('card.routed', { queues: message.queues.join(', ') })
      : t(message.returned ? 'card.returned' : 'card.dropped');
  card.replaceChildren(
    el(
      'p',
      { class: 'card-title' },
      t('card.title', { n: message.id, exchange: message.exchange || t('defaultExchange'), key: message.routingKey || '""' }),
    ),
    el('p', { class: 'card-body' }, el('span', {}, t('card.body')), ' ', el('code', {}, message.preview)),
    el('p', { class: 'card-where', 'data-status': message.queues.length ? 'routed' : 'discarded' }, where),
    ...message.deliveries.map((d) =>
      el(
        'p',
        { class: 'card-delivery' },
        t(d.noAck ? 'card.delivery.auto' : d.settled ? `card.delivery.${d.settled}` : 'card.delivery', {
          queue: d.queue,
          connection: connectionName(d.connection),
        }),
      ),
    ),
    ...(message.disagreement
      ? [el('p', { class: 'why-mismatch', role: 'alert' }, t('card.disagreement', { details: message.disagreement }))]
      : []),
  );
}

function connectionName(id) {
  const c = view.state?.connections.find((x) => x.id === id);
  return c ? `${c.client} (${c.user})` : id;
}

function renderMessages(list, selected) {
  const ol = $('[data-live-messages]');
  ol.replaceChildren(
    ...[...list]
      .reverse()
      .slice(0, 60)
      .map((m) => {
        const button = el(
          'button',
          { type: 'button', 'aria-pressed': String(m === selected) },
          el('span', { class: 'msg-id' }, `#${m.id}`),
          ' ',
          el('code', {}, m.routingKey || '""'),
          ' ',
          el('span', { class: 'msg-where' }, m.queues.length ? `→ ${m.queues.join(', ')}` : m.returned ? '↩' : '✗'),
          m.disagreement ? el('span', { class: 'msg-flag', title: m.disagreement }, ' ⚠') : null,
        );
        button.addEventListener('click', () => select(m.id));
        return el(
          'li',
          {
            'data-live-message': String(m.id),
            'data-exchange': m.exchange,
            'data-routing-key': m.routingKey,
            'data-queues': m.queues.join(' '),
          },
          button,
        );
      }),
  );
  $('[data-live-empty]').hidden = list.length > 0;
}

function renderQueues(state) {
  $('[data-live-queues]').replaceChildren(
    ...state.queues.map((q) =>
      el(
        'li',
        {
          'data-live-queue': q.name,
          'data-ready': String(q.ready),
          'data-unacked': String(q.unacked),
          'data-consumers': String(q.consumers),
        },
        el('code', {}, q.name),
        ' ',
        t('queue.counts', { ready: q.ready, unacked: q.unacked, consumers: q.consumers }),
      ),
    ),
  );
}

function renderExchanges(state) {
  $('[data-live-exchanges]').replaceChildren(
    ...state.exchanges.map((x) =>
      el(
        'li',
        { 'data-live-exchange': x.name },
        el('code', {}, x.name),
        ' ',
        t('exchange.type', { type: x.type === '?' ? t('exchange.unknownType') : x.type }),
      ),
    ),
  );
}

function renderConnections(state) {
  $('[data-live-connections]').replaceChildren(
    ...state.connections.map((c) =>
      el(
        'li',
        { 'data-live-connection': c.id, 'data-blocked': String(c.blocked) },
        el('strong', {}, c.client),
        ' ',
        t('connection.who', { user: c.user, address: c.address }),
        c.blocked ? el('span', { class: 'blocked' }, ' ', t('connection.blocked')) : null,
        el(
          'ul',
          {},
          ...c.channels.map((ch) =>
            el(
              'li',
              {},
              t('connection.channel', { n: ch.channel }),
              ...ch.consumers.map((k) => el('span', { class: 'consumer' }, ' ', t('connection.consumer', { tag: k.tag, queue: k.queue }))),
            ),
          ),
        ),
      ),
    ),
  );
  $('[data-live-no-connection]').hidden = state.connections.length > 0;
}

function renderFlood(state) {
  const box = $('[data-live-flood]');
  const older = state.published - state.kept - view.clearedAfter;
  box.hidden = older <= 0;
  if (older <= 0) return;
  box.replaceChildren(
    el('p', {}, t('flood.note', { kept: state.kept, total: state.published })),
    el(
      'ul',
      {},
      ...state.paths.slice(0, 12).map((p) =>
        el(
          'li',
          {},
          t('flood.path', {
            exchange: p.exchange || t('defaultExchange'),
            queues: p.queues.length ? p.queues.join(', ') : t('flood.nowhere'),
            count: p.count,
          }),
        ),
      ),
    ),
  );
}

// --- controls (this page only) --------------------------------------------

function select(id) {
  view.selected = id;
  view.drawn = {};
  render(false);
  $('[data-live-follow]').hidden = false;
}

function step(delta) {
  const list = shown();
  if (list.length === 0) return;
  const at = list.indexOf(current());
  const next = list[Math.max(0, Math.min(list.length - 1, at + delta))];
  select(next.id);
}

function setPaused(paused) {
  view.paused = paused;
  const button = $('[data-action=pause]');
  button.setAttribute('aria-pressed', String(paused));
  button.textContent = t(paused ? 'resume' : 'pause');
  if (!paused && view.pending) {
    const pending = view.pending;
    view.pending = null;
    apply(pending);
  }
}

$('[data-action=pause]').addEventListener('click', () => setPaused(!view.paused));
$('[data-action=prev]').addEventListener('click', () => step(-1));
$('[data-action=next]').addEventListener('click', () => step(1));
$('[data-action=follow]').addEventListener('click', () => {
  view.selected = null;
  view.drawn = {};
  $('[data-live-follow]').hidden = true;
  render(false);
});
$('[data-action=clear]').addEventListener('click', () => {
  view.clearedAfter = view.lastPublished;
  view.messages = [];
  view.selected = null;
  view.drawn = {};
  render(false);
});
// The keys of every stepping page: → ← between messages, Home the oldest kept, p pause/resume, f, ?.
presenterKeys({
  next: () => step(1),
  prev: () => step(-1),
  first: () => shown().length && select(shown()[0].id),
  play: () => setPaused(!view.paused),
});

// --- save what I see as a scenario (the sandbox's endpoint writes the file) ---

$('[data-live-save]').addEventListener('submit', async (e) => {
  e.preventDefault();
  const out = $('[data-live-save-status]');
  if (!view.state || view.messages.length === 0) {
    out.textContent = t('save.nothing');
    return;
  }
  const count = Math.max(1, Math.min(100, Number(e.target.elements.count.value) || 10));
  try {
    const saved = await saveScenario(asSandboxState(view.state, view.messages, count), { title: e.target.elements.title.value });
    download(saved.filename, JSON.stringify(saved.scenario, null, 2));
    out.textContent = t('save.done', { filename: saved.filename });
  } catch (err) {
    out.textContent = t('save.refused', { message: err.message });
  }
});
