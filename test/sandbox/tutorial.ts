// RabbitMQ tutorial 5 (topic) as a sandbox state: the shared example of the sandbox tests.
import { normalizeState, type SandboxState } from '../../src/sandbox/sandbox-state.js';

/** Routing key → the queues the tutorial says it reaches. */
export const TUTORIAL_KEYS: [string, string[]][] = [
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

export function tutorialState(): SandboxState {
  return normalizeState({
    topology: {
      exchanges: [{ name: 'topic_logs', type: 'topic' }],
      queues: [{ name: 'Q1' }, { name: 'Q2' }],
      bindings: [
        { source: 'topic_logs', destination: 'Q1', routing_key: '*.orange.*' },
        { source: 'topic_logs', destination: 'Q2', routing_key: '*.*.rabbit' },
        { source: 'topic_logs', destination: 'Q2', routing_key: 'lazy.#' },
      ],
    },
    messages: TUTORIAL_KEYS.map(([key], i) => ({ exchange: 'topic_logs', routing_key: key, payload: `m${i}` })),
  });
}
