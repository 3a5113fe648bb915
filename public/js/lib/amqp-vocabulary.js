// AMQP's own names as the server wrote them into the page (src/amqp/vocabulary.ts):
// the exchange types, and the amq.* exchanges every vhost has (name → type).
const data = JSON.parse(document.body?.dataset.amqpVocabulary || '{"exchangeTypes":[],"predeclared":{}}');

export const EXCHANGE_TYPES = data.exchangeTypes;
/** The exchanges every vhost has (docs/semantics.md §9), name → type: drawn when used without being declared. */
export const PREDECLARED = data.predeclared;
export const PREDECLARED_EXCHANGES = Object.keys(PREDECLARED);
