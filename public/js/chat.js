// The /chat page: take a name, talk through the broker, show each message's
// path. Model (store, outbox), live channel and rendering live in their own
// modules; this one wires them to the page.
import {
  appendHistory,
  dropFromOutbox,
  keepInOutbox,
  knownNames,
  loadHistory,
  loadOutbox,
  loadToken,
  saveTabName,
  saveToken,
  tabName,
} from './chat-store.js';
import { createLog } from './chat-log.js';
import { connectLive } from './chat-live.js';
import { createOutbox } from './chat-outbox.js';
import { createPresence } from './chat-presence.js';
import { amqplibSnippet, pikaSnippet } from './chat-snippets.js';
import { translator } from './chat-words.js';

const root = document.querySelector('[data-chat]');
const t = translator(JSON.parse(root.dataset.words));
const naming = JSON.parse(root.dataset.naming);
const limits = JSON.parse(root.dataset.limits);
const lang = root.dataset.lang;

const joinForm = root.querySelector('[data-chat-join]');
const composeForm = root.querySelector('[data-chat-compose]');
const statusEl = root.querySelector('[data-chat-status]');
const joinError = root.querySelector('[data-chat-error="join"]');
const sendError = root.querySelector('[data-chat-error="send"]');
const toKind = composeForm.elements['to-kind'];
const toNameLabel = root.querySelector('[data-chat-to-name]');
const log = createLog(root.querySelector('[data-chat-log]'), t, lang);
const codeField = root.querySelector('[data-chat-code-field]');
const codeShown = root.querySelector('[data-claim-code]');
const presentBox = root.querySelector('[data-present-box]');

let me = null;
let live = null;
const sent = new Map(); // id → the line as sent, stored once the broker confirms it

const presence = createPresence({
  ttlMs: limits.presenceTtlMs,
  onJoined: (name) => log.notice('presence', t('chat.joined', { name })),
  onLeft: (name, silent) => log.notice('presence', t(silent ? 'chat.left.silent' : 'chat.left', { name })),
  onChange: renderPresent,
});

/** [data-present]: one [data-name] per person in the room now, this tab's own first. */
function renderPresent() {
  const names = presence.names();
  const items = [...names.filter((n) => n === me?.name), ...names.filter((n) => n !== me?.name)].map((name) => {
    const li = document.createElement('li');
    li.dataset.name = name;
    li.textContent = name === me?.name ? `${name} ${t('chat.present.you')}` : name;
    return li;
  });
  root.querySelector('[data-present]').replaceChildren(...items);
  root.querySelector('[data-present-count]').textContent = String(items.length);
}

joinForm.elements.name.value = tabName();
root.querySelector('#chat-known-names').replaceChildren(
  ...knownNames().map((name) => {
    const option = document.createElement('option');
    option.value = name;
    return option;
  }),
);

/** POST as JSON; {ok, ...body} | {retry} (broker or server away, rate limited) | {error, path}. */
async function postJson(url, body, token) {
  let res;
  try {
    res = await fetch(`${url}?lang=${lang}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch {
    return { retry: true, error: t('chat.error.network') };
  }
  const data = await res.json().catch(() => ({}));
  if (res.ok) return { ok: true, ...data };
  if (res.status === 503 || res.status === 429 || res.status >= 500) return { retry: true, error: data.error?.message };
  return { error: data.error?.message ?? res.statusText, path: data.error?.path, status: res.status };
}

function setStatus(state) {
  statusEl.dataset.state = state;
  statusEl.textContent = t(`chat.status.${state}`, { broker: t(`chat.broker.${naming.broker}`) });
}

/** A random v4 UUID; crypto.randomUUID exists only on https or localhost. */
function newId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function join(event) {
  event?.preventDefault();
  joinError.textContent = '';
  const name = joinForm.elements.name.value.trim().normalize('NFC');
  const code = joinForm.elements.code.value.trim();
  const result = await postJson('/api/chat/session', {
    name,
    room: joinForm.elements.room.value,
    inbox: joinForm.elements.inbox.value,
    token: loadToken(name),
    ...(code ? { code } : {}),
  });
  if (!result.ok) {
    joinError.textContent = result.error ?? t('chat.error.away');
    // Taken: maybe by this same person in another browser, who has a code.
    if (result.status === 409 && result.path === 'name') codeField.hidden = false;
    if (result.path) joinForm.elements[result.path]?.focus();
    return;
  }
  start(result.participant, result.token, result.code);
}

function start(participant, token, code) {
  me = participant;
  saveToken(me.name, token);
  saveTabName(me.name);
  joinForm.hidden = true;
  composeForm.hidden = false;
  log.clear();
  // Presence lines are news of the moment: never restored (nor stored).
  for (const line of loadHistory(me.name).filter((l) => l.kind !== 'presence')) {
    log.add({ ...line, who: line.mine ? t('chat.you') : line.who, restored: true });
  }
  log.notice('welcome', t('chat.welcome', { name: me.name, room: me.room, inbox: me.inbox }));
  showCode(code);
  presence.setSelf(me.name);
  presentBox.hidden = false;
  showNaming();
  setStatus('connecting');
  live?.close();
  live = connectLive({
    token,
    onEvent,
    onServerAway: () => {
      setStatus('server-away');
      presence.pause();
    },
  });
  adoptOutbox();
  composeForm.elements.message.focus();
}

function showCode(code) {
  if (!code) return;
  codeShown.hidden = false;
  codeShown.dataset.code = code;
  codeShown.textContent = t('chat.code.show', { name: me.name, code });
}

function onEvent(event) {
  if (event.type === 'welcome') {
    me = event.participant;
    saveToken(me.name, event.token);
    showCode(event.code);
  } else if (event.type === 'token') {
    saveToken(me.name, event.token);
    live.setToken(event.token);
    showCode(event.code);
  } else if (event.type === 'status') {
    setStatus(event.broker);
    if (event.broker === 'online') {
      presence.resume();
      adoptOutbox();
      outbox.resume();
    } else presence.pause();
  } else if (event.type === 'message') {
    receive(event.message);
  } else if (event.type === 'error' && event.key === 'chat.error.token') {
    // The token no longer opens this inbox (expired, or the server's secret
    // changed): take the name again, as when joining.
    live.close();
    joinForm.hidden = false;
    composeForm.hidden = true;
    setStatus('idle');
    join();
  }
}

function receive(m) {
  if (m.event) {
    presence.hear(m.event, m.from);
  } else if (log.has(m.id)) {
    // Already shown: our own room message coming back through our inbox (its
    // path stays the one it was sent on: the queue it came back through is
    // ours, not where it went), or a redelivery of someone else's.
    if (m.path?.queue && m.from !== me.name) log.update(m.id, { path: m.path });
  } else {
    const from = m.from ?? t('chat.anonymous');
    const mine = m.from === me.name;
    const line = {
      id: m.id,
      at: m.sentAt ?? Date.now(),
      from: m.from ?? '',
      // Ours, sent from another tab: where we sent it, not our inbox.
      path: mine ? { exchange: m.path.exchange, routingKey: m.path.routingKey } : m.path,
      private: m.path.exchange === '' || m.path.routingKey.startsWith('user.'),
    };
    if (m.refused) Object.assign(line, { kind: 'refused', text: t(`chat.refused.${m.refused}`, { name: from, max: limits.text }) });
    else Object.assign(line, { kind: 'message', mine, who: mine ? t('chat.you') : from, text: m.text });
    log.add(line);
    appendHistory(me.name, line);
  }
  live.ack([m.id]);
}

/**
 * What this person's tabs wrote but never saw confirmed (a tab closed while
 * the broker or the server was away): shown, and sent now with its own id.
 */
function adoptOutbox() {
  for (const item of loadOutbox(me.name)) {
    if (sent.has(item.id) || log.has(item.id)) continue;
    sent.set(item.id, item.line);
    log.add({ ...item.line, who: t('chat.you'), state: 'sending' });
    outbox.push(item.id, item.body);
  }
}

const outbox = createOutbox({
  post: (body) => postJson('/api/chat/messages', body, loadToken(me.name)),
  onUpdate(id, state, result) {
    log.update(id, { state, error: state === 'refused' ? result.error : undefined, path: result.path });
    const line = sent.get(id);
    if (state === 'sent' && line) {
      appendHistory(me.name, { ...line, path: result.path, state: 'sent' });
      sent.delete(id);
      dropFromOutbox(me.name, id);
    } else if (state === 'refused') {
      sendError.textContent = result.error ?? '';
      sent.delete(id);
      dropFromOutbox(me.name, id);
    }
  },
});

function send(event) {
  event.preventDefault();
  sendError.textContent = '';
  const input = composeForm.elements.message;
  const text = input.value.trim();
  if (text === '') {
    // Refused politely, before any round trip (the server refuses it too).
    sendError.textContent = t('chat.error.text-empty');
    input.focus();
    return;
  }
  const to = { kind: toKind.value };
  if (to.kind !== 'room') to.name = composeForm.elements.to.value.trim();
  const id = newId();
  const line = {
    id,
    at: Date.now(),
    kind: 'message',
    mine: true,
    from: me.name,
    who: t('chat.you'),
    text,
    private: to.kind !== 'room',
    path: null,
  };
  const body = { id, to, text };
  sent.set(id, line);
  // Kept in the browser until the broker confirms it: it survives this tab.
  keepInOutbox(me.name, { id, body, line });
  log.add({ ...line, state: 'sending' });
  input.value = '';
  input.focus();
  outbox.push(id, body);
}

function showNaming() {
  const box = root.querySelector('[data-naming-text]');
  const paragraphs = [
    t('chat.naming.reach', { name: me.name, exchange: naming.exchange.name, key: `user.${me.name}`, inbox: me.inbox }),
    t('chat.naming.room', { room: me.room, exchange: naming.exchange.name, key: `room.${me.room}` }),
    t('chat.naming.body', { max: limits.text }),
    t('chat.naming.reply'),
  ];
  box.replaceChildren(
    ...paragraphs.map((text) => {
      const p = document.createElement('p');
      p.textContent = text;
      return p;
    }),
  );
  root.querySelector('[data-snippets]').hidden = false;
  root.querySelector('[data-snippet="pika"]').textContent = pikaSnippet(naming, me);
  root.querySelector('[data-snippet="amqplib"]').textContent = amqplibSnippet(naming, me);
}

toKind.addEventListener('change', () => {
  toNameLabel.hidden = toKind.value === 'room';
  composeForm.elements.to.placeholder = toKind.value === 'queue' ? 'task_queue2' : t('chat.to.name');
});
joinForm.addEventListener('submit', join);
composeForm.addEventListener('submit', send);
