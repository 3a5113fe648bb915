// The broker's refusals and the server's limits in the page's language. The
// server sends a reason code and its parameters (engine/refusal-reason.ts,
// the same for the embedded broker and RabbitMQ); the words are the page's
// (locales/*/sandbox.json, keys refusal.<reason>[.<kind>]). A reason the
// page does not know keeps the broker's own words.

/** "there is no exchange “animal”" for { reason: 'not-found', params: { kind: 'exchange', name: 'animal' } }. */
export function reasonText(refusal, t) {
  const params = refusal.params ?? {};
  // The most precise words first: per kind of entity ("not-found.queue"), per problem ("invalid-arg.value_negative").
  const keys = [`refusal.${refusal.reason}.${params.kind}`, `refusal.${refusal.reason}.${params.problem}`, `refusal.${refusal.reason}`];
  for (const key of keys) {
    const text = t(key, params);
    if (text !== key) return text;
  }
  return refusal.message ?? t('refusal.other', params);
}

/** The whole sentence: the reason, then the AMQP name and reply code for those who look them up. */
export function refusalText(refusal, t) {
  return t('refusal.line', { reason: reasonText(refusal, t), text: refusal.text ?? '', code: refusal.code });
}

/** What an entity of the topology is called in a refusal: "exchange #2 (amq.mine)". */
export function entityLabel(topology, kind, index, t) {
  const entity = topology[`${kind}s`]?.[index];
  const name = !entity ? '?' : kind === 'binding' ? `${entity.source} → ${entity.destination}` : entity.name === '' ? '""' : entity.name;
  return t(`setupAt.${kind}`, { n: index + 1, name });
}

/** A server refusal (HTTP 400): a list over the limits in the page's words, else the server's message. */
export function errorText(err, t) {
  if (err.code === 'limit' && err.params) return t(`limit.${err.params.what}`, err.params);
  return err.message;
}
