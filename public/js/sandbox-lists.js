// The lists of exchanges, queues, bindings and published messages: one <li>
// per entry with its test hooks (data-entity, data-name, data-index,
// data-message-index) and its Edit / Remove buttons. Text goes in as text.
import { PREDECLARED_EXCHANGES } from './lib/amqp-vocabulary.js';
import { el } from './lib/dom.js';

const flags = (e) => ['durable', 'auto_delete', 'internal'].filter((f) => e[f]);
const argsText = (args) =>
  Object.entries(args ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');

function actions(t, kind, index) {
  return el(
    'span',
    { class: 'entity-actions' },
    el('button', { type: 'button', class: 'small secondary', 'data-action': 'edit', 'data-kind': kind, 'data-index': index }, t('edit')),
    el(
      'button',
      { type: 'button', class: 'small secondary', 'data-action': 'remove', 'data-kind': kind, 'data-index': index },
      t('remove'),
    ),
  );
}

/** `refused`: [{ kind, index, text }], the declarations the broker refused (each marked with its reason). */
export function renderTopology(root, topology, t, refused = []) {
  const lists = {
    exchange: topology.exchanges.map((x, i) =>
      el(
        'li',
        { 'data-entity': 'exchange', 'data-name': x.name, 'data-index': i },
        el(
          'span',
          { class: 'entity-main' },
          el('strong', { class: 'name' }, x.name === '' ? '""' : x.name),
          ' ',
          el('span', { class: 'tag' }, x.type),
        ),
        el('span', { class: 'entity-detail' }, [...flags(x), argsText(x.arguments)].filter(Boolean).join(' · ')),
        actions(t, 'exchange', i),
      ),
    ),
    queue: topology.queues.map((q, i) =>
      el(
        'li',
        { 'data-entity': 'queue', 'data-name': q.name, 'data-index': i },
        el('span', { class: 'entity-main' }, el('strong', { class: 'name' }, q.name === '' ? '""' : q.name)),
        el('span', { class: 'entity-detail' }, [...flags(q), argsText(q.arguments)].filter(Boolean).join(' · ')),
        actions(t, 'queue', i),
      ),
    ),
    binding: topology.bindings.map((b, i) =>
      el(
        'li',
        { 'data-entity': 'binding', 'data-index': i },
        el(
          'span',
          { class: 'entity-main' },
          el('strong', {}, b.source === '' ? '""' : b.source),
          ' → ',
          b.destination_type === 'exchange' ? [el('span', { class: 'tag' }, t('binding.toExchange')), ' '] : null,
          el('strong', {}, b.destination === '' ? '""' : b.destination),
        ),
        el(
          'span',
          { class: 'entity-detail' },
          el('code', {}, b.routing_key === '' ? t('binding.noKey') : b.routing_key),
          ' ',
          argsText(b.arguments),
        ),
        actions(t, 'binding', i),
      ),
    ),
  };
  for (const [kind, items] of Object.entries(lists)) {
    for (const r of refused) {
      if (r.kind !== kind || !items[r.index]) continue;
      items[r.index].setAttribute('data-refused', 'true');
      items[r.index].append(el('span', { class: 'refusal error-text', 'data-refusal': '' }, r.text));
    }
    root.querySelector(`[data-list="${kind}"]`).replaceChildren(...items);
    root.querySelector(`[data-count="${kind}"]`).textContent = String(items.length);
    root.querySelector(`[data-empty="${kind}"]`).hidden = items.length > 0;
  }
  // Names offered while typing: exchanges (the predeclared ones too) and destinations.
  const exchanges = [...new Set([...topology.exchanges.map((x) => x.name), ...PREDECLARED_EXCHANGES])];
  root.querySelector('[data-datalist="exchanges"]').replaceChildren(...exchanges.map((name) => el('option', { value: name })));
  const destinations = [...new Set([...topology.queues.map((q) => q.name), ...topology.exchanges.map((x) => x.name)])];
  root.querySelector('[data-datalist="destinations"]').replaceChildren(...destinations.map((name) => el('option', { value: name })));
  const queues = [...new Set(topology.queues.map((q) => q.name))];
  root.querySelector('[data-datalist="queues"]').replaceChildren(...queues.map((name) => el('option', { value: name })));
}

/** `results[i]`: a short outcome of message i ("→ Q1, Q2", "returned"…), or ''. */
export function renderMessages(root, messages, selected, results, t) {
  const items = messages.map((m, i) => {
    const headers = Object.keys(m.properties?.headers ?? {}).length > 0 ? JSON.stringify(m.properties.headers) : '';
    return el(
      'li',
      { 'data-message-index': i, 'data-selected': String(i === selected) },
      el(
        'button',
        { type: 'button', class: 'message-pick', 'data-action': 'select-message', 'data-index': i },
        el('span', { class: 'message-number' }, `#${i + 1}`),
        ' ',
        el('strong', {}, m.exchange === '' ? t('defaultExchange') : m.exchange),
        ' · ',
        el('code', {}, m.routing_key === '' ? '""' : m.routing_key),
        headers ? el('span', { class: 'entity-detail' }, ` ${headers}`) : null,
        m.mandatory ? el('span', { class: 'tag' }, 'mandatory') : null,
        el('span', { class: 'message-result', 'data-result': '' }, results[i] ?? ''),
      ),
      el(
        'button',
        {
          type: 'button',
          class: 'small secondary',
          'data-action': 'remove-message',
          'data-index': i,
          'aria-label': `${t('remove')} #${i + 1}`,
        },
        '✕',
      ),
    );
  });
  root.querySelector('[data-messages]').replaceChildren(...items);
  root.querySelector('[data-count="message"]').textContent = String(items.length);
  root.querySelector('[data-empty="message"]').hidden = items.length > 0;
}
