// The bodies of POST /api/run for the tutorial scenarios, built from the
// scenario files the pages use (all steps' messages at once, as the page's
// first request does).
import { loadScenarios } from '../../src/scenarios/load-scenarios.js';
import { runRequest } from '../../src/scenarios/play-routing.js';
import type { RunRequest } from '../../src/engine/types.js';

/** RabbitMQ tutorials 3 (publish/subscribe), 4 (routing) and 5 (topics). */
export const TUTORIAL_SCENARIOS = ['fanout', 'direct', 'topic'] as const;

export function tutorialRuns(): { id: string; request: RunRequest }[] {
  const scenarios = loadScenarios();
  return TUTORIAL_SCENARIOS.map((id) => {
    const scenario = scenarios.find((s) => s.id === id);
    if (!scenario || scenario.kind !== 'routing') throw new Error(`scenario "${id}" is missing or not a routing scenario`);
    return { id, request: runRequest(scenario) };
  });
}
