// RabbitMQ tutorial 5's topology, used by several tests: Q1 gets *.orange.*,
// Q2 gets *.*.rabbit and lazy.# (so lazy.pink.rabbit reaches Q2 by two bindings).
export const tutorial5Definitions = {
  exchanges: [{ name: 'topic_logs', type: 'topic' }],
  queues: [{ name: 'Q1' }, { name: 'Q2' }],
  bindings: [
    { source: 'topic_logs', destination: 'Q1', routing_key: '*.orange.*' },
    { source: 'topic_logs', destination: 'Q2', routing_key: '*.*.rabbit' },
    { source: 'topic_logs', destination: 'Q2', routing_key: 'lazy.#' },
  ],
};
