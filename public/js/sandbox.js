// The sandbox page's controller: holds the state (topology + messages),
// re-runs it on the server's broker after every change (POST /api/run, the
// whole topology and every message), and wires the lists, the forms, the
// publish form and the toolbar's panels. The page's state is kept in
// localStorage; a shared link (#s=…) replaces it.
import { wordsFrom } from './lib/dom.js';
import { openLink, runSandbox } from './sandbox-api.js';
import { fillForm, readForm, readJsonObject } from './sandbox-editor.js';
import { renderMessages, renderTopology } from './sandbox-lists.js';
import { messageResults, OutcomeView } from './sandbox-outcome.js';
import { Panels } from './sandbox-panels.js';
import { QuickAdd } from './sandbox-quick-add.js';
import { errorText, refusalText } from './sandbox-refusals.js';
import * as model from './sandbox-state.js';

const page = document.querySelector('[data-sandbox-page]');
const t = wordsFrom(page.dataset.words, 'sandbox.');
const tScenario = wordsFrom(page.dataset.words, 'scenario.js.');
const $ = (selector) => page.querySelector(selector);

let state = model.emptyState();
let outcome = null;
let selected = null;
let editing = null; // { kind, index } while a form is open
let runSeq = 0;
let runTimer = null;
/** Where the focus goes after the next render (a selector), when the element that had it is redrawn. */
let pendingFocus = null;

const outcomeView = new OutcomeView(page, t, tScenario);
const panels = new Panels(page, {
  t,
  state: () => state,
  selected: () => selected,
  replace: (next) => replace(next),
});
const quickAdd = new QuickAdd($('[data-quick-add]'), { t, state: () => state, change: (next) => change(next) });

// --- state changes -----------------------------------------------------------------

function change(next, { select = selected } = {}) {
  state = next;
  selected =
    select === null || state.messages.length === 0
      ? state.messages.length
        ? state.messages.length - 1
        : null
      : Math.min(select, state.messages.length - 1);
  model.store(state);
  render();
  scheduleRun();
}

/** A whole new sandbox (import, link, clear); `select`: the message to show, else the last. */
function replace(next, select = null) {
  closeEditor();
  outcome = null;
  change(model.asState(next), { select });
}

function scheduleRun() {
  clearTimeout(runTimer);
  runTimer = setTimeout(run, 120);
}

/** Runs the whole sandbox; an answer to an older state is dropped. */
async function run() {
  const seq = ++runSeq;
  const ran = state;
  page.dataset.runState = 'running';
  $('[data-run-label]').textContent = t('run.running');
  try {
    const result = await runSandbox(ran);
    if (seq !== runSeq) return;
    outcome = result;
    page.dataset.runState = 'done';
    $('[data-run-label]').textContent = t('run.done', { broker: document.querySelector('[data-broker]')?.textContent?.trim() ?? '' });
    showRunError(null);
  } catch (err) {
    if (seq !== runSeq) return;
    outcome = null;
    page.dataset.runState = 'error';
    $('[data-run-label]').textContent = '';
    showRunError(t('run.failed', { message: errorText(err, t) }));
  }
  page.dataset.outcomeMessages = String(ran.messages.length);
  render({ animate: true });
}

/** The page-wide banner: a shared link that cannot be opened. */
function showError(text) {
  const banner = $('[data-sandbox-error]');
  banner.hidden = !text;
  banner.textContent = text ?? '';
}

/** A run the server refused (e.g. over a limit) or could not do (broker away). */
function showRunError(text) {
  const box = $('[data-run-error]');
  box.hidden = !text;
  box.textContent = text ?? '';
}

// --- drawing ---------------------------------------------------------------------

/** The element's place in the lists, as a selector that finds its redrawn twin ("[data-entity=queue][data-index=1] [data-action=edit]"). */
function focusSelector(node) {
  if (!node || !page.contains(node) || !node.dataset?.action) return null;
  const item = node.closest('[data-entity], [data-message-index]');
  if (!item) return null;
  const where = item.dataset.entity
    ? `[data-entity="${item.dataset.entity}"][data-index="${item.dataset.index}"]`
    : `[data-message-index="${item.dataset.messageIndex}"]`;
  return `${where} [data-action="${node.dataset.action}"]`;
}

function render(options = {}) {
  // Lists are redrawn from the state: the focus stays on the same button of the same entry (a keyboard user is not sent to the top).
  const keep = pendingFocus ?? focusSelector(document.activeElement);
  pendingFocus = null;
  draw(options);
  const active = document.activeElement;
  if (keep && (!active || active === document.body || !active.isConnected)) page.querySelector(keep)?.focus();
}

function draw({ animate = false } = {}) {
  const refused = (outcome?.refusals ?? []).map((r) => ({ kind: r.kind, index: r.index, text: refusalText(r, t) }));
  // A real system's lists hold a thousand entries: redrawn only when they change, not after every publish.
  const listsKey = JSON.stringify([state.topology, refused]);
  if (listsKey !== draw.listsKey) {
    draw.listsKey = listsKey;
    renderTopology(page, state.topology, t, refused);
  }
  quickAdd.refresh();
  renderMessages(page, state.messages, selected, messageResults(state, outcome), t);
  // The drawing follows the outcome of the state it was computed for only.
  const current = outcome && Number(page.dataset.outcomeMessages) === state.messages.length ? outcome : null;
  outcomeView.show(state, current, selected, { animate });
}

// --- the entity forms --------------------------------------------------------------

function openEditor(kind, index) {
  closeEditor();
  editing = {
    kind,
    index,
    opener: index === null ? `[data-sandbox-add="${kind}"]` : `[data-entity="${kind}"][data-index="${index}"] [data-action="edit"]`,
  };
  const form = $(`[data-editor="${kind}"]`);
  const list = kind === 'exchange' ? state.topology.exchanges : kind === 'queue' ? state.topology.queues : state.topology.bindings;
  const entity = index === null ? null : list[index];
  fillForm(form, kind, entity);
  form.querySelector('[data-editor-title]').textContent =
    index === null ? t(`editor.new.${kind}`) : t(`editor.edit.${kind}`, { name: entity.name ?? '' });
  setEditorError(form, null);
  form.hidden = false;
  // Right under its list, so the form appears where the user clicked.
  $(`[data-block="${kind}"]`).after(form);
  form.querySelector('input, select')?.focus();
}

/** Closes the open form; `refocus`: the focus goes back to the button that opened it (Escape, Cancel, Save). */
function closeEditor({ refocus = false } = {}) {
  const opener = editing?.opener;
  editing = null;
  for (const form of page.querySelectorAll('[data-editor]')) form.hidden = true;
  if (refocus && opener) {
    pendingFocus = opener;
    page.querySelector(opener)?.focus();
  }
}

function setEditorError(form, text) {
  const box = form.querySelector('[data-editor-error]');
  box.hidden = !text;
  box.textContent = text ?? '';
}

function saveEditor(form) {
  const { kind, index } = editing;
  const read = readForm(form, kind);
  if (read.error) return setEditorError(form, t(...read.error));
  if (kind === 'binding') return done(model.saveBinding(state, index, read.entity));
  const list = kind === 'exchange' ? state.topology.exchanges : state.topology.queues;
  if (list.some((e, i) => i !== index && e.name === read.entity.name)) {
    return setEditorError(form, t('error.exists', { kind: t(kind), name: read.entity.name === '' ? '""' : read.entity.name }));
  }
  done(model.saveNamed(state, kind, index, read.entity));

  function done(next) {
    closeEditor({ refocus: true });
    change(next);
  }
}

// --- publishing ---------------------------------------------------------------------

function publish(form) {
  const headers = readJsonObject(form.elements.headers.value);
  const box = form.querySelector('[data-publish-error]');
  if (!headers) {
    box.hidden = false;
    box.textContent = t('error.notObject', { field: t('field.headers') });
    return;
  }
  box.hidden = true;
  const message = {
    exchange: form.elements.exchange.value,
    routing_key: form.elements.routing_key.value,
    properties: { headers },
    payload: form.elements.payload.value,
    mandatory: form.elements.mandatory.checked,
  };
  change(model.addMessage(state, message), { select: state.messages.length });
  // Ready for the next key: publishing the tutorial's ten keys is type, Enter, type, Enter…
  form.elements.routing_key.focus();
  form.elements.routing_key.select();
}

// --- events ----------------------------------------------------------------------------

page.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button || !page.contains(button)) return;
  const index = button.dataset.index === undefined ? null : Number(button.dataset.index);
  if (button.dataset.sandboxAdd) return openEditor(button.dataset.sandboxAdd, null);
  if (button.dataset.panelToggle) return panels.toggle(button.dataset.panelToggle);
  if (button.dataset.download) return panels.download(button.dataset.download);
  switch (button.dataset.action) {
    case 'edit':
      return openEditor(button.dataset.kind, index);
    case 'remove': {
      closeEditor();
      const kind = button.dataset.kind;
      const { state: next, bindingsRemoved } = model.remove(state, kind, index);
      // The focus moves to the entry that takes the removed one's place, else to the list's add button.
      const left = next.topology[`${kind}s`].length;
      pendingFocus =
        left > 0
          ? `[data-entity="${kind}"][data-index="${Math.min(index, left - 1)}"] [data-action="remove"]`
          : `[data-sandbox-add="${kind}"]`;
      change(next);
      if (bindingsRemoved > 0) flash(t('removed.bindings', { count: bindingsRemoved }));
      return;
    }
    case 'cancel-edit':
      return closeEditor({ refocus: true });
    case 'select-message':
      selected = index;
      return render({ animate: true });
    case 'remove-message': {
      const left = state.messages.length - 1;
      pendingFocus =
        left > 0
          ? `[data-message-index="${Math.min(index, left - 1)}"] [data-action="remove-message"]`
          : '[data-publish-form] [name="routing_key"]';
      return change(model.removeMessage(state, index));
    }
    case 'clear-messages':
      return change(model.clearMessages(state), { select: null });
    case 'clear':
      if (window.confirm(t('clear.confirm'))) replace(model.emptyState());
      return;
    case 'import':
      return panels.import();
    case 'export':
    case 'export-refresh':
      return panels.export();
    case 'share':
      return panels.share();
    case 'copy-link':
      return panels.copyLink();
    case 'save-scenario':
      return panels.saveScenario();
    default:
  }
});

for (const form of page.querySelectorAll('[data-editor]')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saveEditor(form);
  });
}
$('[data-publish-form]').addEventListener('submit', (event) => {
  event.preventDefault();
  publish(event.target);
});
$('[name="definitions-file"]').addEventListener('change', (event) => panels.readChosenFile(event.target));
page.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && editing) closeEditor({ refocus: true });
});
window.addEventListener('hashchange', () => openFromHash());

/** A short-lived note under the toolbar (e.g. bindings removed with their queue). */
function flash(text) {
  const note = $('[data-sandbox-note]');
  if (!note) return;
  note.textContent = text;
  note.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => (note.hidden = true), 8000);
}

// --- start -------------------------------------------------------------------------------

async function openFromHash() {
  const match = /^#s=(.*)$/.exec(location.hash);
  if (!match) return false;
  try {
    const opened = await openLink(match[1]);
    replace(opened, Number.isInteger(opened.selected) ? opened.selected : null);
    showError(null);
    flash(t('link.opened'));
  } catch (err) {
    replace(model.emptyState());
    showError(t('link.broken', { message: errorText(err, t) }));
  }
  return true;
}

async function start() {
  const fromLink = await openFromHash();
  if (!fromLink) {
    const kept = model.restore();
    if (kept) replace(kept);
    else render();
  }
  page.dataset.ready = 'true';
}

start();
