// Reads scenarios/*.json once, validates each file against the schema and
// checks that every name it mentions is declared in its own topology, so a
// typo in a data file fails at start-up (and in the tests), not in class.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatPath } from '../util/format-path.js';
import { payloadsOf } from './localize.js';
import { scenarioSchema, type Scenario } from './schema.js';

export const SCENARIO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scenarios');

export class ScenarioFileError extends Error {}

/** Every scenario in the folder, sorted by `order`. */
export function loadScenarios(dir = SCENARIO_DIR): Scenario[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const scenarios = files.map((file) => loadScenarioFile(path.join(dir, file)));
  return scenarios.sort((a, b) => a.order - b.order);
}

export function loadScenarioFile(file: string): Scenario {
  const name = path.basename(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ScenarioFileError(`${name}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScenarioFileError(`${name}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  const scenario = parsed.data;
  const problems = crossReferenceProblems(scenario);
  if (scenario.id !== path.basename(file, '.json')) problems.unshift(`id "${scenario.id}" differs from the file name`);
  if (problems.length > 0) throw new ScenarioFileError(`${name}: ${problems.join('; ')}`);
  return scenario;
}

/** Names used but not declared (empty when the file is consistent). */
export function crossReferenceProblems(scenario: Scenario): string[] {
  const problems: string[] = [];
  const exchanges = new Set((scenario.definitions.exchanges ?? []).map((x) => x.name));
  const queues = new Set(scenario.definitions.queues.map((q) => q.name));
  const needQueue = (name: string, where: string) => {
    if (!queues.has(name)) problems.push(`${where}: no queue "${name}" is declared`);
  };
  const needExchange = (name: string, where: string) => {
    // "" is the default exchange: it always exists and is never declared.
    if (name !== '' && !exchanges.has(name)) problems.push(`${where}: no exchange "${name}" is declared`);
  };
  (scenario.definitions.bindings ?? []).forEach((b, i) => {
    needExchange(b.source, `bindings[${i}].source`);
    if (b.destination_type === 'exchange') needExchange(b.destination, `bindings[${i}].destination`);
    else needQueue(b.destination, `bindings[${i}].destination`);
  });
  (scenario.consumers ?? []).forEach((c, i) => needQueue(c.queue, `consumers[${i}].queue`));

  problems.push(...payloadTranslationProblems(scenario));
  if (scenario.kind === 'routing') {
    scenario.steps.forEach((step, i) => {
      needExchange(step.message.exchange, `steps[${i}].message.exchange`);
      step.expect.queues.forEach((q) => needQueue(q, `steps[${i}].expect.queues`));
      for (const [q, held] of Object.entries(step.expect.holds ?? {})) {
        needQueue(q, `steps[${i}].expect.holds`);
        if (held.some((n) => n > i + 1)) problems.push(`steps[${i}].expect.holds.${q}: names a later step`);
      }
    });
    return problems;
  }

  const payloads = new Set<string>();
  scenario.steps.forEach((step, i) => {
    step.actions.forEach((action, j) => {
      const where = `steps[${i}].actions[${j}]`;
      if (action.type === 'publish') {
        // The players track ready messages by queue name: they publish through the default exchange only.
        if (action.message.exchange !== '')
          problems.push(`${where}.message.exchange: consumer scenarios publish to the default exchange ""`);
        needQueue(action.message.routing_key ?? '', `${where}.message.routing_key`);
        // Messages are named by payload in expectations: names must be unique.
        if (payloads.has(action.message.payload)) problems.push(`${where}: payload "${action.message.payload}" is used twice`);
        payloads.add(action.message.payload);
      } else if (action.type === 'consume') {
        needQueue(action.queue, `${where}.queue`);
      } else if ((action.type === 'ack' || action.type === 'nack') && !payloads.has(action.message)) {
        problems.push(`${where}: message "${action.message}" was not published before`);
      }
    });
    Object.keys(step.expect.ready).forEach((q) => needQueue(q, `steps[${i}].expect.ready`));
  });
  return problems;
}

/** Every body has its French words, each its own (bodies name messages in consumer scenarios), none left over. */
function payloadTranslationProblems(scenario: Scenario): string[] {
  const bodies = new Set(payloadsOf(scenario));
  if (bodies.size === 0) return [];
  const fr = scenario.payloads?.fr ?? {};
  const problems = [...bodies].filter((b) => !(b in fr)).map((b) => `payloads.fr: no French words for "${b}"`);
  problems.push(
    ...Object.keys(fr)
      .filter((b) => !bodies.has(b))
      .map((b) => `payloads.fr: "${b}" is not a body of this scenario`),
  );
  const seen = new Set<string>();
  for (const words of Object.values(fr)) {
    if (seen.has(words)) problems.push(`payloads.fr: "${words}" is given to two bodies`);
    seen.add(words);
  }
  return problems;
}
