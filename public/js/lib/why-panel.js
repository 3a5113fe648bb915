// The "why" panel: the engine's trace for the current message, in words and
// small tables — topic words aligned with the pattern, headers key by key,
// "no binding matched → discarded". Built with textContent only.
import { el } from './dom.js';
import { formatValue, shortName } from './scenario-geometry.js';

/** Routing scenarios: explain step k (1-based) from the played step's trace. */
export function explainRouting(container, scenario, played, k, t) {
  container.replaceChildren();
  if (k === 0 || !played) {
    container.append(el('p', { class: 'why-empty' }, t('why.none')));
    return;
  }
  const message = scenario.steps[k - 1].message;
  const trace = played.trace;
  if (!trace) {
    container.append(el('p', { class: 'why-empty' }, t('why.noTrace')));
    container.append(resultLine(played, null, t));
    return;
  }
  // The verdict first, then the reasons: on a short screen the top of the why is what shows.
  container.append(resultLine(played, trace, t));
  const kind = (scenario.definitions.exchanges ?? []).find((x) => x.name === message.exchange)?.type;
  if (kind === 'topic') container.append(topicWords(trace.routing_key, t));

  if (trace.default_exchange) {
    const list = el('ul', { class: 'why-lookups' });
    for (const lookup of trace.default_exchange) {
      list.append(
        el(
          'li',
          { 'data-matched': String(lookup.exists) },
          verdict(lookup.exists),
          t(lookup.exists ? 'why.default.found' : 'why.default.missing', { queue: lookup.queue }),
        ),
      );
    }
    container.append(
      el('section', { class: 'why-hop', 'data-hop': '' }, el('h3', {}, t('why.default.title')), el('p', {}, t('why.default.rule')), list),
    );
  }

  for (const hop of trace.hops) container.append(explainHop(hop, t));
  for (const note of duplicateNotes(trace, t)) container.append(el('p', { class: 'why-note' }, note));
  for (const event of trace.queue_events) {
    if (event.kind === 'missing-queue' && trace.default_exchange) continue; // already in the lookups above
    const text = queueEventText(event, t);
    if (text) container.append(el('p', { class: `why-event why-event-${event.kind}` }, text));
  }
  for (const dl of trace.dead_letters) {
    container.append(
      el(
        'p',
        { class: 'why-event' },
        t('why.deadLetterRoute', {
          message: `#${dl.message + 1}`,
          queue: dl.from_queue,
          exchange: dl.dead_letter_exchange,
          queues: dl.queues.length ? dl.queues.join(', ') : t('why.nowhere'),
        }),
      ),
    );
  }
  if (played.prediction_mismatch) container.append(el('p', { class: 'why-mismatch', role: 'alert' }, t('why.mismatch')));
}

function verdict(ok) {
  return el('span', { class: `verdict ${ok ? 'yes' : 'no'}`, 'aria-hidden': 'true' }, ok ? '✓' : '✗');
}

function topicWords(routingKey, t) {
  // "" has zero words; any other key has (dots + 1) words, empty words included.
  const words = routingKey === '' ? [] : routingKey.split('.');
  return el(
    'p',
    { class: 'why-words' },
    t('why.topic.words', { n: words.length }),
    ' ',
    ...words.map((w) => el('code', { class: 'word' }, w === '' ? '∅' : w)),
  );
}

function explainHop(hop, t) {
  const title = t('why.hop', { exchange: hop.exchange === '' ? '""' : hop.exchange, type: hop.type });
  const via = hop.via === 'publish' ? '' : t(`why.via.${hop.via}`, { from: hop.from ?? '' });
  const section = el(
    'section',
    { class: 'why-hop', 'data-hop': hop.exchange },
    el('h3', {}, title, via ? el('small', {}, ` — ${via}`) : null),
  );
  if (hop.bindings.length === 0) section.append(el('p', {}, t('why.noBindings')));
  const list = el('ul', { class: 'why-bindings' });
  for (const check of hop.bindings) list.append(explainBinding(check, t));
  section.append(list);
  if (hop.alternate_exchange) {
    const ae = hop.alternate_exchange;
    section.append(el('p', { class: 'why-ae' }, t(ae.exists ? 'why.ae' : 'why.ae.missing', { exchange: hop.exchange, ae: ae.name })));
  }
  if (hop.skipped_exchanges?.length)
    section.append(el('p', { class: 'why-note' }, t('why.skipped', { names: hop.skipped_exchanges.join(', ') })));
  return section;
}

function explainBinding(check, t) {
  const target =
    check.destination_type === 'exchange'
      ? t('why.toExchange', { name: check.destination })
      : t('why.toQueue', { name: check.destination });
  const d = check.detail;
  const key = d.kind === 'headers' ? '' : check.binding_key === '' ? '""' : check.binding_key;
  const li = el(
    'li',
    { 'data-why-binding': '', 'data-matched': String(check.matched) },
    el('div', { class: 'why-binding-head' }, verdict(check.matched), key ? el('code', {}, key) : null, ' → ', target),
  );
  if (d.kind === 'direct') {
    for (const c of d.comparisons) {
      li.append(
        el(
          'p',
          {},
          t(c.equal ? 'why.direct.equal' : 'why.direct.differs', {
            key: check.binding_key === '' ? '""' : check.binding_key,
            rk: c.routing_key === '' ? '""' : c.routing_key,
          }),
        ),
      );
    }
  } else if (d.kind === 'fanout') {
    li.append(el('p', {}, t('why.fanout')));
  } else if (d.kind === 'topic') {
    for (const attempt of d.attempts) li.append(topicTable(attempt, t));
  } else if (d.kind === 'headers') {
    li.append(headersTable(d, check, t));
  }
  return li;
}

/** Pattern words on top, the key words each one consumed below. */
function topicTable(attempt, t) {
  const table = el('table', { class: 'why-topic', 'data-matched': String(attempt.matched) });
  const top = el('tr', {}, el('th', { scope: 'row' }, t('why.topic.pattern')));
  const bottom = el('tr', {}, el('th', { scope: 'row' }, t('why.topic.key')));
  attempt.alignment.forEach((a) => {
    top.append(
      el(
        'td',
        { class: a.pattern_word === '#' || a.pattern_word === '*' ? 'wild' : undefined },
        a.pattern_word === '' ? '∅' : a.pattern_word,
      ),
    );
    bottom.append(el('td', {}, a.key_words.length === 0 ? t('why.topic.zero') : a.key_words.map((w) => (w === '' ? '∅' : w)).join('.')));
  });
  const failed = attempt.failed_at;
  if (!attempt.matched && failed) {
    const restPattern = attempt.pattern_words.slice(failed.pattern_index);
    const restKey = attempt.key_words.slice(failed.key_index);
    const n = Math.max(restPattern.length, restKey.length);
    for (let i = 0; i < n; i++) {
      top.append(el('td', { class: 'fail' }, restPattern[i] ?? '—'));
      bottom.append(el('td', { class: 'fail' }, restKey[i] === undefined ? '—' : restKey[i] === '' ? '∅' : restKey[i]));
    }
  }
  table.append(top, bottom);
  const reason = attempt.matched ? t('why.topic.matched') : topicFailure(attempt, t);
  // The reason first, then the alignment that shows it: on a projector the top of the why is what shows.
  return el('div', { class: 'why-topic-box' }, el('p', { class: 'why-reason' }, reason), table);
}

function topicFailure(attempt, t) {
  const f = attempt.failed_at;
  if (!f) return t('why.topic.noMatch');
  const p = attempt.pattern_words[f.pattern_index];
  const k = attempt.key_words[f.key_index];
  if (p === undefined) return t('why.topic.leftover', { rest: attempt.key_words.slice(f.key_index).join('.') });
  if (k === undefined) return t('why.topic.tooShort', { word: p });
  return t('why.topic.differs', { word: k === '' ? '∅' : k, pattern: p });
}

function headersTable(detail, check, t) {
  const table = el(
    'table',
    { class: 'why-headers' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', {}, t('why.headers.key')),
        el('th', {}, t('why.headers.binding')),
        el('th', {}, t('why.headers.message')),
        el('th', {}, t('why.headers.result')),
      ),
    ),
  );
  const body = el('tbody');
  for (const row of detail.rows) {
    body.append(
      el(
        'tr',
        { 'data-result': row.result },
        el('td', {}, el('code', {}, row.key)),
        el('td', {}, row.binding_value === null ? t('why.headers.any') : formatValue(row.binding_value)),
        el('td', {}, row.present ? formatValue(row.message_value ?? null) : row.result === 'ignored' ? '—' : t('why.headers.absent')),
        // x-match is the rule the other rows are judged by (said above the table), not an argument left out.
        el('td', {}, t(row.key === 'x-match' ? 'why.headers.rule' : `why.headers.${row.result}`)),
      ),
    );
  }
  table.append(body);
  const mode = detail.x_match;
  return el(
    'div',
    { class: 'why-headers-box' },
    el('p', { class: 'why-reason' }, t(check.matched ? 'why.headers.matched' : 'why.headers.failed', { mode })),
    el('p', {}, t(`why.headers.mode.${mode}`, { mode })),
    table,
  );
}

function resultLine(played, trace, t) {
  let text;
  // The verdict names the queues as the diagram labels them (a server-named queue cut in the middle); each binding below names it whole.
  if (played.hit.length > 0) text = t('why.result.routed', { queues: played.hit.map((q) => shortName(q)).join(', ') });
  else if (trace && trace.routed_to.length > 0) text = t('why.result.dropped');
  else {
    // The default exchange has no bindings: it found no queue of that name.
    const how = trace?.default_exchange ? 'NoQueue' : '';
    text = t(played.returned ? `why.result.returned${how}` : `why.result.discarded${how}`);
  }
  const line = el(
    'p',
    { class: 'why-result', 'data-status': played.hit.length ? 'routed' : played.returned ? 'returned' : 'discarded' },
    text,
  );
  if (played.hit.some((q) => shortName(q) !== q)) line.title = played.hit.join(', ');
  return line;
}

/** "Q2 matched by 2 bindings: one copy" (each queue receives at most one copy per publish). */
function duplicateNotes(trace, t) {
  const count = new Map();
  for (const hop of trace.hops) {
    for (const c of hop.bindings) {
      if (c.matched && c.destination_type === 'queue') count.set(c.destination, (count.get(c.destination) ?? 0) + 1);
    }
  }
  return [...count].filter(([, n]) => n > 1).map(([queue, n]) => t('why.oneCopy', { queue, n }));
}

function queueEventText(event, t) {
  const message = `#${event.message + 1}`;
  switch (event.kind) {
    case 'dropped':
      return t('why.event.dropped', { message, queue: event.queue, reason: event.reason });
    case 'rejected':
      return t('why.event.rejected', { message, queue: event.queue });
    case 'dead-lettered':
      return t('why.event.deadLettered', { message, queue: event.queue, reason: event.reason, exchange: event.dead_letter_exchange });
    case 'dead-letter-dropped':
      return t('why.event.deadLetterDropped', { message, queue: event.queue, why: event.why });
    case 'missing-queue':
      return t('why.event.missingQueue', { queue: event.queue });
    default:
      return null;
  }
}

// --- consumer scenarios ---------------------------------------------------------

/** Consumer scenarios: what each action of step k did, and the deliveries that followed. */
export function explainConsumers(container, scenario, played, k, t) {
  container.replaceChildren();
  if (k === 0 || !played) {
    container.append(el('p', { class: 'why-empty' }, t('why.none')));
    return;
  }
  const step = scenario.steps[k - 1];
  const list = el('ol', { class: 'why-actions' });
  for (const a of step.actions) {
    let text;
    if (a.type === 'publish') text = t('why.action.publish', { message: a.message.payload, queue: a.message.routing_key });
    else if (a.type === 'consume')
      text = t(a.prefetch ? 'why.action.consumePrefetch' : 'why.action.consume', {
        consumer: a.consumer,
        queue: a.queue,
        n: a.prefetch ?? 0,
      });
    else if (a.type === 'ack') text = t('why.action.ack', { consumer: a.consumer, message: a.message });
    else if (a.type === 'nack')
      text = t(a.requeue ? 'why.action.nackRequeue' : 'why.action.nackDrop', { consumer: a.consumer, message: a.message });
    else if (a.type === 'leave') text = t('why.action.leave', { consumer: a.consumer });
    list.append(el('li', { 'data-action-type': a.type }, text));
  }
  container.append(el('h3', {}, t('why.actions')), list);
  const deliveries = el('ul', { class: 'why-deliveries' });
  for (const d of played.deliveries) {
    deliveries.append(
      el(
        'li',
        { 'data-redelivered': String(d.redelivered) },
        t(d.redelivered ? 'why.delivery.redelivered' : 'why.delivery', { message: d.message, consumer: d.consumer }),
      ),
    );
  }
  container.append(el('h3', {}, t('why.deliveries')));
  container.append(played.deliveries.length ? deliveries : el('p', {}, t('why.noDelivery')));
  const ready = Object.entries(played.ready).filter(([, msgs]) => msgs.length > 0);
  for (const [queue, msgs] of ready) {
    const anyone = Object.keys(played.unacked).length > 0;
    container.append(
      el('p', { class: 'why-note' }, t(anyone ? 'why.stillReady.limit' : 'why.stillReady', { queue, messages: msgs.join(', ') })),
    );
  }
  if (played.mismatch)
    container.append(el('p', { class: 'why-mismatch', role: 'alert' }, t('why.countMismatch', { detail: played.mismatch })));
}
