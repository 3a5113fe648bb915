// Renders the chat's lines. Every piece of user text (names, messages, queue
// names) goes in with textContent: `<img src=x onerror=alert(1)>` shows as
// those characters, never as an element.

/** "exchange chat → routing key room.lobby → queue chat.Mehdi" */
function pathText(t, path) {
  const exchange = path.exchange === '' ? t('chat.path.default') : path.exchange;
  let text = t('chat.path.label', { exchange, key: path.routingKey });
  if (path.queue) text += t('chat.path.queue', { queue: path.queue });
  return text;
}

function span(className, text) {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

/** <time datetime="2026-12-04T05:02:11.000Z">05:02</time>, in the page's language. */
function timeOf(lang, at) {
  const el = document.createElement('time');
  const date = new Date(Number.isFinite(at) ? at : Date.now());
  el.dateTime = date.toISOString();
  el.textContent = date.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  el.title = date.toLocaleString(lang);
  return el;
}

export function createLog(list, t, lang) {
  const byId = new Map();

  function setPath(li, path) {
    const el = li.querySelector('.chat-path');
    if (!path) {
      el.hidden = true;
      return;
    }
    el.hidden = false;
    el.dataset.exchange = path.exchange;
    el.dataset.routingKey = path.routingKey;
    if (path.queue) el.dataset.queue = path.queue;
    el.textContent = pathText(t, path);
  }

  function setState(li, state, error) {
    if (!state) return;
    li.dataset.state = state;
    const el = li.querySelector('.chat-state');
    el.textContent = t(`chat.state.${state}`) + (error ? ` — ${error}` : '');
  }

  return {
    has(id) {
      return byId.has(id);
    },

    clear() {
      byId.clear();
      list.replaceChildren();
    },

    /** A line of the conversation: {id, at, kind, mine, who, text, private, path, state, restored}. */
    add(line) {
      const li = document.createElement('li');
      li.append(timeOf(lang, line.at));
      li.dataset.kind = line.kind;
      li.dataset.id = line.id;
      li.dataset.mine = String(Boolean(line.mine));
      if (line.from) li.dataset.from = line.from;
      if (line.restored) li.dataset.restored = 'true';
      if (line.kind === 'message') {
        const text = document.createElement('span');
        text.className = 'chat-line';
        // "YOU -- hello", "Mehdi -- Hi How Are you": the report's lines.
        text.append(span('chat-who', line.who), ' -- ', span('chat-text', line.text));
        li.append(text);
      } else {
        li.append(span('chat-line', line.text));
      }
      const meta = document.createElement('span');
      meta.className = 'chat-meta';
      if (line.private) meta.append(span('chat-private', t('chat.private')));
      if (line.restored) meta.append(span('chat-restored', t('chat.restored')));
      meta.append(span('chat-path', ''), span('chat-state', ''));
      li.append(meta);
      setPath(li, line.path);
      setState(li, line.state);
      byId.set(line.id, li);
      list.append(li);
      li.scrollIntoView({ block: 'nearest' });
      return li;
    },

    /** A notice that is not a message (welcome, joined, left): no id to de-duplicate, never stored. */
    notice(kind, text, at) {
      const li = document.createElement('li');
      li.dataset.kind = kind;
      li.append(timeOf(lang, at), span('chat-line', text));
      list.append(li);
      li.scrollIntoView({ block: 'nearest' });
      return li;
    },

    update(id, { state, error, path } = {}) {
      const li = byId.get(id);
      if (!li) return;
      // The queue is known only from a delivery (our own room message coming
      // back): the send's answer, which may come later, must not erase it.
      const queue = li.querySelector('.chat-path').dataset.queue;
      if (path) setPath(li, { ...path, queue: path.queue ?? queue });
      setState(li, state, error);
    },
  };
}
