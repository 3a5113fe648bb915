// RabbitMQ tutorial 5 (topic), the one fixture every test of it shares: Q1
// gets *.orange.*, Q2 gets *.*.rabbit and lazy.# (so lazy.pink.rabbit reaches
// Q2 by two bindings, and lazy, with zero words after it, matches lazy.#).

export const TUTORIAL5_EXCHANGE = 'topic_logs';

/** Binding key → queue, in the tutorial's order. */
export const TUTORIAL5_BINDINGS: [bindingKey: string, queue: string][] = [
  ['*.orange.*', 'Q1'],
  ['*.*.rabbit', 'Q2'],
  ['lazy.#', 'Q2'],
];

/** Routing key → the queues the tutorial says it reaches. */
export const TUTORIAL_KEYS: [routingKey: string, queues: string[]][] = [
  ['quick.orange.rabbit', ['Q1', 'Q2']],
  ['lazy.orange.elephant', ['Q1', 'Q2']],
  ['quick.orange.fox', ['Q1']],
  ['lazy.brown.fox', ['Q2']],
  ['lazy.pink.rabbit', ['Q2']],
  ['quick.brown.fox', []],
  ['orange', []],
  ['quick.orange.new.rabbit', []],
  ['lazy.orange.new.rabbit', ['Q2']],
];

/** The topology as a definitions file (the body of POST /api/run). */
export const tutorial5Definitions = {
  exchanges: [{ name: TUTORIAL5_EXCHANGE, type: 'topic' }],
  queues: [{ name: 'Q1' }, { name: 'Q2' }],
  bindings: TUTORIAL5_BINDINGS.map(([routing_key, destination]) => ({ source: TUTORIAL5_EXCHANGE, destination, routing_key })),
};

/** A run of every tutorial key, mandatory, each payload its key. */
export const tutorial5Run = {
  name: 'tutorial 5',
  definitions: tutorial5Definitions,
  messages: TUTORIAL_KEYS.map(([routing_key]) => ({ exchange: TUTORIAL5_EXCHANGE, routing_key, payload: routing_key, mandatory: true })),
};
