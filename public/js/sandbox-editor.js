// The entity forms: an exchange, a queue or a binding to fill in. Common
// arguments have fields of their own (alternate-exchange, x-max-length,
// x-dead-letter-exchange, x-match…); any other argument goes in a JSON object.
// Reading a form gives the entity exactly as a definitions file writes it, or
// the reason it cannot be read. Names and values are not judged here: the
// broker's refusals ("amq." names, an unknown type, x-match "bogus") are
// what the sandbox is for.

/** Fields that hold a whole number (the others hold strings). */
const NUMBER_ARGS = new Set(['x-max-length', 'x-message-ttl']);

const isPlainObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fills the form with `entity` (null: a new one, with RabbitMQ's defaults). */
export function fillForm(form, kind, entity) {
  form.reset();
  const args = { ...(entity?.arguments ?? {}) };
  for (const field of form.querySelectorAll('[name^="arg:"]')) {
    const key = field.name.slice(4);
    const value = args[key];
    const fits = NUMBER_ARGS.has(key)
      ? Number.isInteger(value) && value >= 0
      : typeof value === 'string' && (field.tagName !== 'SELECT' || [...field.options].some((o) => o.value === value));
    if (value !== undefined && fits) {
      field.value = String(value);
      delete args[key];
    }
  }
  form.elements.arguments.value = Object.keys(args).length > 0 ? JSON.stringify(args) : '';
  if (kind === 'binding') {
    form.elements.source.value = entity?.source ?? '';
    form.elements.destination_type.value = entity?.destination_type ?? 'queue';
    form.elements.destination.value = entity?.destination ?? '';
    form.elements.routing_key.value = entity?.routing_key ?? '';
    return;
  }
  form.elements.name.value = entity?.name ?? '';
  form.elements.durable.checked = entity?.durable ?? false;
  form.elements.auto_delete.checked = entity?.auto_delete ?? false;
  if (kind === 'exchange') {
    form.elements.type.value = entity?.type ?? 'direct';
    form.elements.internal.checked = entity?.internal ?? false;
  }
}

/** { entity } or { error: [wordKey, params] }. */
export function readForm(form, kind) {
  const args = readJsonObject(form.elements.arguments.value);
  if (!args)
    return {
      error: ['error.notObject', { field: form.elements.arguments.closest('label')?.firstChild?.textContent?.trim() ?? 'arguments' }],
    };
  const fromFields = {};
  for (const field of form.querySelectorAll('[name^="arg:"]')) {
    const key = field.name.slice(4);
    const raw = field.value;
    if (raw === '') continue;
    if (Object.hasOwn(args, key)) return { error: ['error.twice', { field: key }] };
    if (NUMBER_ARGS.has(key)) {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) return { error: ['error.notNumber', { field: key }] };
      fromFields[key] = n;
    } else fromFields[key] = raw;
  }
  const argumentsTable = { ...fromFields, ...args };
  const v = (name) => form.elements[name].value;
  if (kind === 'binding') {
    return {
      entity: {
        source: v('source'),
        destination: v('destination'),
        destination_type: v('destination_type') === 'exchange' ? 'exchange' : 'queue',
        routing_key: v('routing_key'),
        arguments: argumentsTable,
      },
    };
  }
  const entity = { name: v('name') };
  if (kind === 'exchange') entity.type = v('type').trim();
  entity.durable = form.elements.durable.checked;
  entity.auto_delete = form.elements.auto_delete.checked;
  if (kind === 'exchange') entity.internal = form.elements.internal.checked;
  entity.arguments = argumentsTable;
  return { entity };
}

/** '' → {}; a JSON object → itself (a "__proto__" key kept as a key by JSON.parse); anything else → null. */
export function readJsonObject(text) {
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text);
    return isPlainObject(value) ? value : null;
  } catch {
    return null;
  }
}
