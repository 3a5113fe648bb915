// What the pages' scripts need of AMQP's own names — the exchange types, and
// the amq.* exchanges every vhost has — handed to them as JSON in every page
// (the body's data-amqp-vocabulary, views/partials/header.ejs;
// public/js/lib/amqp-vocabulary.js reads it), so
// that src/amqp is the only place they are written.
import { EXCHANGE_TYPES } from './exchange-types.js';
import { PREDECLARED_EXCHANGES } from './predeclared.js';

export interface AmqpVocabulary {
  exchangeTypes: readonly string[];
  /** Name → type of the amq.* exchanges a program may publish to and bind with (the internal trace exchange apart). */
  predeclared: Record<string, string>;
}

export const AMQP_VOCABULARY: AmqpVocabulary = {
  exchangeTypes: EXCHANGE_TYPES,
  predeclared: Object.fromEntries([...PREDECLARED_EXCHANGES].filter(([, x]) => !x.internal).map(([name, x]) => [name, x.type])),
};

/** The vocabulary as JSON text (the page's template escapes it into an attribute). */
export const AMQP_VOCABULARY_JSON = JSON.stringify(AMQP_VOCABULARY);
