// RabbitMQ tutorial 5 (topic) as a sandbox state: the shared example of the sandbox tests.
import { normalizeState, type SandboxState } from '../../src/sandbox/sandbox-state.js';
import { TUTORIAL_KEYS, TUTORIAL5_EXCHANGE, tutorial5Definitions } from '../helpers/tutorial5.js';

export { TUTORIAL_KEYS };

export function tutorialState(): SandboxState {
  return normalizeState({
    topology: tutorial5Definitions,
    messages: TUTORIAL_KEYS.map(([key], i) => ({ exchange: TUTORIAL5_EXCHANGE, routing_key: key, payload: `m${i}` })),
  });
}
