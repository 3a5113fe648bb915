// The student's page: join with the code and a name, then follow the
// teacher's step (or look back on one's own and return with "follow"),
// answer the open question, see the verdict and one's own score. The token
// the server gives at the join is kept in this tab only (sessionStorage), so
// twelve tabs of one browser are twelve students.
import { el, wordsFrom } from './lib/dom.js';
import { presenterKeys } from './lib/presenter.js';
import { judge } from './lib/predict.js';
import { connectClass } from './class-live.js';
import { createStage } from './class-stage.js';

const page = document.querySelector('[data-class-page]');
const ts = wordsFrom(page.dataset.words, 'scenario.js.');
const tc = wordsFrom(page.dataset.words, '');
const $ = (s) => page.querySelector(s);
const form = $('[data-join-form]');
const joinError = $('[data-join-error]');
const status = $('[data-class-status]');
const stage = createStage(page, ts, tc);

let code = null;
let token = null;
let view = null;
let items = null;
let looking = null; // { item, step } while looking back; null: following the teacher
let teacherHere = true; // the teacher's page is open (the server says when it goes and comes back)
const picked = new Map(); // question key → Set of queues picked (before sending)
const grades = new Map(); // question key → the engine's grade of my answer
// Answers not yet confirmed by the server ("answered"): one sent as the server died, or while it was
// away, is sent again once the page is back with the class (answers replace each other: never counted twice).
const unconfirmed = new Map(); // question key → the answer message
let resendDue = false; // reconnected: resend the unconfirmed answers with the first view
let live = null;

const stored = (c) => sessionStorage.getItem(`class-token:${c}`);

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const typed = form.elements.code.value.replace(/[\s-]/g, '').toUpperCase();
  const name = form.elements.name.value.trim();
  joinError.textContent = '';
  if (!typed) return void (joinError.textContent = tc('class.error.bad-code'));
  if (!name) return void (joinError.textContent = tc('class.error.name-empty'));
  code = typed;
  start({ type: 'join', code, name });
});

function start(greeting) {
  live?.close();
  let first = greeting;
  live = connectClass({
    // After the first hello (a join), every reconnection says who we are with the token.
    hello: () => {
      const g = first ?? (token ? { type: 'student', code, token } : null);
      first = null;
      return g;
    },
    onStatus: (s) => {
      page.dataset.live = s;
      if (s === 'online') resendDue = true;
      if (s === 'away') status.textContent = tc('class.status.away');
      else status.textContent = '';
    },
    onMessage,
  });
}

function onMessage(m) {
  if (m.type === 'welcome') {
    if (m.token) {
      token = m.token;
      sessionStorage.setItem(`class-token:${code}`, token);
    }
    form.hidden = true;
    $('[data-student]').hidden = false;
    history.replaceState(null, '', `/join?code=${encodeURIComponent(code)}&lang=${page.dataset.lang}`);
  } else if (m.type === 'view') {
    view = m.view;
    if (resendDue) resendUnconfirmed();
    loadItems().then(render);
  } else if (m.type === 'graded') {
    grades.set(m.key, m.grade);
    if (view) render();
  } else if (m.type === 'answered') {
    unconfirmed.delete(m.key);
    const answerStatus = $('[data-answer-status]');
    answerStatus.dataset.state = 'sent';
  } else if (m.type === 'error') {
    if (!view) {
      // Not in the class (yet): a wrong code, a full class, a bad name. A stale token: join again.
      if (m.key === 'class.error.token') sessionStorage.removeItem(`class-token:${code}`);
      live?.close();
      live = null;
      form.hidden = false;
      $('[data-student]').hidden = true;
      joinError.textContent = tc(m.key, m.params);
    } else {
      unconfirmed.clear(); // the server read the answer and refused it: sending it again would not help
      const answerStatus = $('[data-answer-status]');
      answerStatus.dataset.state = 'error';
      answerStatus.textContent = tc(m.key, m.params);
    }
  } else if (m.type === 'teacher') {
    teacherHere = m.here;
    render();
  } else if (m.type === 'ended') {
    page.dataset.ended = 'true';
    page.dataset.teacherState = 'ended';
    $('[data-follow-status]').textContent = tc('class.status.ended');
    status.textContent = tc('class.status.ended');
    sessionStorage.removeItem(`class-token:${code}`);
    live?.close();
  }
}

/** Back with the class: the open question's unconfirmed answer goes again; one for a closed question cannot count any more. */
function resendUnconfirmed() {
  resendDue = false;
  for (const [key, message] of [...unconfirmed]) {
    if (key !== view.open) unconfirmed.delete(key);
    else live?.send(message);
  }
}

async function loadItems() {
  if (items) return;
  const res = await fetch(`/api/class/${encodeURIComponent(code)}/items?lang=${page.dataset.lang}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  items = (await res.json()).items;
}

function stepsOf(i) {
  const item = items[i];
  return item?.kind === 'scenario' ? item.scenario.steps.length : 0;
}

const before = (a, b) => a.item < b.item || (a.item === b.item && a.step < b.step);

function shown() {
  return looking ?? view.position;
}

function render() {
  if (!view || !items) return;
  const at = shown();
  const key = `${at.item}.${at.step}`;
  const q = view.questions[key];
  const open = view.open === key;
  page.dataset.following = String(looking === null);
  stage.show(items, at.item, at.step, { pending: !!q && !q.revealed });
  $('[data-student-name]').textContent = view.name;
  $('[data-score]').textContent = tc('class.student.score', { right: view.score.right, asked: view.score.asked });
  $('[data-score]').dataset.right = String(view.score.right);
  page.dataset.teacherState = view.ended ? 'ended' : teacherHere ? 'following' : 'away';
  $('[data-follow-status]').textContent = view.ended
    ? tc('class.status.ended')
    : !teacherHere
      ? tc('class.student.teacherAway')
      : looking
        ? tc('class.student.lookingBack', { step: at.step })
        : tc('class.student.following');
  $('[data-action="follow"]').hidden = looking === null;
  $('[data-action="prev"]').disabled = at.item === 0 && at.step === 0;
  $('[data-action="next"]').disabled = looking === null;
  drawAnswer(items[at.item], key, q, open);
}

function drawAnswer(item, key, q, open) {
  const panel = $('[data-answer-panel]');
  const result = $('[data-challenge-result]');
  const answerStatus = $('[data-answer-status]');
  panel.hidden = !q;
  result.replaceChildren();
  if (!q) return;
  const isChallenge = item.kind === 'challenge';
  const options = $('[data-predict-options]');
  const input = $('[data-challenge-input]');
  input.hidden = !isChallenge;
  options.hidden = isChallenge;
  // A challenge's prompt is above, by its messages: the panel only asks for the answer, once.
  $('[data-predict-question]').hidden = isChallenge;
  $('[data-predict-question]').textContent = isChallenge ? '' : tc('class.student.question');
  $('[data-action="answer"]').hidden = !open;
  panel.dataset.open = String(open);
  if (isChallenge) {
    $('[data-challenge-input-label]').textContent = tc(`class.challenge.answer.${item.challenge.answer}`);
    input.querySelector('input').disabled = !open;
    if (q.mine?.text !== undefined && document.activeElement !== input.querySelector('input') && !input.querySelector('input').value)
      input.querySelector('input').value = q.mine.text;
    const grade = grades.get(key);
    if (grade) stage.explainGrade(result, item.challenge, grade, $('[data-why]'));
  } else {
    const mine = picked.get(key) ?? new Set(q.mine?.queues ?? []);
    picked.set(key, mine);
    options.replaceChildren(
      ...item.scenario.definitions.queues.map(({ name }) => {
        const id = `answer-${key}-${name}`;
        const box = el('input', { type: 'checkbox', id, 'data-predict-option': name, disabled: !open });
        box.checked = mine.has(name);
        const label = el('label', { for: id, class: 'predict-option' }, box, ' ', name);
        if (q.revealed && q.expected) {
          const v = judge(q.mine?.queues ?? [], q.expected);
          label.dataset.verdict = v.correct.includes(name)
            ? 'correct'
            : v.wrong.includes(name)
              ? 'wrong'
              : v.missed.includes(name)
                ? 'missed'
                : 'none';
        }
        return label;
      }),
    );
  }
  const nowhere = ts('predict.nothing');
  const list = (xs) => (xs && xs.length ? xs.join(', ') : nowhere);
  if (q.revealed) {
    answerStatus.dataset.state = q.mine?.right ? 'right' : 'wrong';
    const verdict = !q.mine ? tc('class.student.noAnswer') : q.mine.right ? ts('predict.right') : ts('predict.wrong');
    answerStatus.replaceChildren(
      // A challenge's verdict is the engine's, with its reasons, just below: said once.
      isChallenge ? '' : el('strong', {}, verdict),
      ' ',
      isChallenge ? '' : ts('predict.detail', { picked: list(q.mine?.queues), answer: list(q.expected) }),
      ' ',
      tc('class.student.classRight', { n: q.rightCount ?? 0, total: q.answers ?? 0 }),
    );
  } else if (q.mine) {
    answerStatus.dataset.state = 'sent';
    answerStatus.textContent = !isChallenge
      ? tc('class.student.sent', { queues: list(q.mine.queues) })
      : tc(view.instantFeedback ? 'class.student.sentChallenge' : 'class.student.sentGradedAtReveal', { text: q.mine.text ?? '' });
  } else if (answerStatus.dataset.state !== 'error') {
    answerStatus.dataset.state = '';
    // The hint fits the answer: queues to tick, or a key, arguments or an exchange to type.
    const how = isChallenge ? `class.student.type.${item.challenge.answer}` : 'class.student.pick';
    answerStatus.textContent = open ? tc(how) : tc('class.student.closed');
  }
}

$('[data-predict-options]').addEventListener('change', (event) => {
  const name = event.target?.dataset?.predictOption;
  if (name === undefined || !view) return;
  const at = shown();
  const key = `${at.item}.${at.step}`;
  const set = picked.get(key) ?? new Set();
  if (event.target.checked) set.add(name);
  else set.delete(name);
  picked.set(key, set);
});

$('[data-action="answer"]').addEventListener('click', () => {
  if (!view) return;
  const at = shown();
  const key = `${at.item}.${at.step}`;
  const item = items[at.item];
  const answerStatus = $('[data-answer-status]');
  answerStatus.dataset.state = '';
  const message =
    item.kind === 'challenge'
      ? { type: 'answer', key, text: $('[name="binding"]').value }
      : { type: 'answer', key, queues: [...(picked.get(key) ?? [])] };
  unconfirmed.set(key, message);
  if (!live?.send(message)) answerStatus.textContent = tc('class.student.sendWhenBack');
});

// Looking back is this page's own business; the class does not move.
function look(to) {
  if (!view) return;
  looking = before(to, view.position) ? to : null;
  render();
}
function back() {
  const at = shown();
  if (at.step > 0) look({ item: at.item, step: at.step - 1 });
  else if (at.item > 0) look({ item: at.item - 1, step: stepsOf(at.item - 1) });
}
function forward() {
  if (!looking) return;
  const at = looking;
  if (at.step < stepsOf(at.item)) look({ item: at.item, step: at.step + 1 });
  else look({ item: at.item + 1, step: 0 });
}
$('[data-action="prev"]').addEventListener('click', back);
$('[data-action="next"]').addEventListener('click', forward);
$('[data-action="follow"]').addEventListener('click', () => look(view.position));
// The same keys as the teacher's (→ ← Home f ?), on this page's own looking back.
presenterKeys({
  next: () => view && forward(),
  prev: () => view && back(),
  first: () => {
    if (view) look({ item: shown().item, step: 0 });
  },
});

// Back in this tab (a reload): the token says who we are.
const initial = page.dataset.code;
if (initial && stored(initial) && !joinError.textContent) {
  code = initial;
  token = stored(initial);
  start(null);
}
