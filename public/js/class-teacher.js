// The teacher's (projector) page: drives the class — → ← Home, open a step
// for answers, reveal — and shows the live tally. The teacher key the server
// put in the page is what makes this tab the teacher's.
import { el, wordsFrom } from './lib/dom.js';
import { presenterKeys } from './lib/presenter.js';
import { connectClass } from './class-live.js';
import { createStage } from './class-stage.js';
import { createTallyChart, tallySeries } from './class-tally.js';

const page = document.querySelector('[data-class-page]');
const data = JSON.parse(page.dataset.class);
const ts = wordsFrom(page.dataset.words, 'scenario.js.');
const tc = wordsFrom(page.dataset.words, '');
const $ = (s) => page.querySelector(s);
const stage = createStage(page, ts, tc);
const chart = createTallyChart($('[data-tally-chart]'), tc);
const status = $('[data-class-status]');
let view = null;
// The position last asked for, until the server's view shows it: quick
// presses of a clicker add up (three presses, three steps), and one request
// at most is on its way (a held key sends the latest position, not a flood).
let asked = null;
let inFlight = false;
const here = () => asked ?? view.position;
const same = (a, b) => a.item === b.item && a.step === b.step;

const live = connectClass({
  hello: () => ({ type: 'teacher', code: data.code, key: data.key }),
  onStatus: (s) => {
    page.dataset.live = s;
    inFlight = false; // a reconnection starts afresh: the next view says where the class is
    if (s === 'away') status.textContent = tc('class.status.away');
  },
  onMessage: (m) => {
    if (m.type === 'view') {
      view = m.view;
      inFlight = false;
      if (asked && same(asked, view.position)) asked = null;
      sendAsked();
      render();
    } else if (m.type === 'welcome') {
      status.textContent = tc('class.status.online');
    } else if (m.type === 'error') {
      asked = null;
      inFlight = false;
      status.textContent = tc(m.key, m.params);
      status.dataset.state = 'error';
    } else if (m.type === 'ended') {
      page.dataset.ended = 'true';
      status.textContent = tc('class.status.ended');
    }
  },
});

function stepsOf(i) {
  const item = data.items[i];
  return item?.kind === 'scenario' ? item.scenario.steps.length : 0;
}

function send(message) {
  status.dataset.state = '';
  const sent = live.send(message);
  if (!sent) status.textContent = tc('class.status.away');
  return sent;
}

function go(item, step) {
  if (!view || view.ended) return;
  asked = { item, step };
  sendAsked();
}

function sendAsked() {
  if (inFlight || !asked || view.ended) return;
  if (same(asked, view.position)) asked = null;
  else if (send({ type: 'go', ...asked })) inFlight = true;
  else asked = null;
}

function next() {
  if (!view) return;
  const { item, step } = here();
  if (step < stepsOf(item)) go(item, step + 1);
  else if (item + 1 < data.items.length) go(item + 1, 0);
}

function prev() {
  if (!view) return;
  const { item, step } = here();
  if (step > 0) go(item, step - 1);
  else if (item > 0) go(item - 1, stepsOf(item - 1));
}

function render() {
  const { item, step } = view.position;
  const key = `${item}.${step}`;
  const q = view.question;
  const pending = view.open === key || (q !== null && !q.revealed);
  page.dataset.open = String(view.open === key);
  stage.show(data.items, item, step, { pending });
  $('[data-students-count]').textContent = $('[data-join-view-count]').textContent = tc('class.teacher.count', { n: view.students });
  drawTally(q);
  drawRoster();
  const isChallenge = data.items[item]?.kind === 'challenge';
  $('[data-action="ask"]').disabled =
    view.ended || (!isChallenge && step === 0) || (q !== null && !q.revealed && view.open === key) || !!q?.revealed;
  $('[data-action="reveal"]').disabled = view.ended || !q || q.revealed;
  $('[data-action="prev"]').disabled = view.ended || (item === 0 && step === 0);
  $('[data-action="next"]').disabled = view.ended || (item === data.items.length - 1 && step === stepsOf(item));
  $('[data-action="hide-names"]').checked = view.hideNames;
}

function drawTally(q) {
  const box = $('[data-tally]');
  box.dataset.answers = String(q ? q.answers : 0);
  box.dataset.right = String(q ? q.right : 0);
  box.dataset.revealed = String(!!q?.revealed);
  box.hidden = !q;
  const text = $('[data-tally-text]');
  const who = $('[data-who]');
  who.replaceChildren();
  if (!q) {
    text.textContent = '';
    chart.update({ labels: [], counts: [], colours: [] });
    return;
  }
  const parts = [tc('class.tally.answered', { n: q.answers, total: view.students })];
  if (q.revealed) parts.push(tc('class.tally.right', { n: q.right }));
  else if (view.open === q.key) parts.push(tc('class.tally.open'));
  text.textContent = parts.join(' · ');
  chart.update(
    tallySeries(q.groups, {
      revealed: q.revealed,
      nowhere: tc('class.tally.nowhere'),
      solved: tc('class.tally.solved'),
      failed: tc('class.tally.failed'),
    }),
  );
  if (q.revealed) {
    if (view.hideNames) who.append(el('li', { class: 'hint' }, tc('class.tally.namesHidden')));
    for (const w of q.who ?? []) who.append(el('li', { 'data-who-right': String(w.right) }, w.right ? '✓ ' : '✗ ', w.name));
  }
}

function drawRoster() {
  const roster = $('[data-roster]');
  roster.replaceChildren(
    ...(view.hideNames ? [el('li', { class: 'hint' }, tc('class.tally.namesHidden'))] : view.names.map((n) => el('li', {}, n))),
  );
}

$('[data-action="next"]').addEventListener('click', next);
$('[data-action="prev"]').addEventListener('click', prev);
$('[data-action="ask"]').addEventListener('click', () => send({ type: 'ask' }));
$('[data-action="reveal"]').addEventListener('click', () => send({ type: 'reveal' }));
$('[data-action="hide-names"]').addEventListener('change', (e) => send({ type: 'hide-names', hidden: e.target.checked }));
$('[data-action="end"]').addEventListener('click', () => {
  if (confirm(tc('class.teacher.endConfirm'))) send({ type: 'end' });
});
// How to join, full screen (a modal dialog: Esc or its button closes it; while it is open the keys are its own).
const joinView = $('[data-join-view]');
$('[data-action="show-join"]').addEventListener('click', () => joinView.showModal());
// The clicker keys (→ PageDown space, ← PageUp, Home: this item's first step, f, ?), whatever has the focus.
presenterKeys({ next, prev, first: () => view && go(here().item, 0) });
