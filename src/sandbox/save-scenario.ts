// Save as scenario: the sandbox's topology, with one step per published
// message, becomes a file in the exact format of scenarios/*.json. The
// expectations are what the server's broker does with those messages (played
// the way the scenario pages play them), so the file passes the replay test
// by construction. It is checked by the loader's own schema and
// cross-reference rules before it is handed out.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Broker } from '../broker/broker.js';
import { PREDECLARED_EXCHANGES } from '../amqp/predeclared.js';
import type { ExchangeDef } from '../engine/types.js';
import { crossReferenceProblems, SCENARIO_DIR } from '../scenarios/load-scenarios.js';
import { payloadsOf } from '../scenarios/localize.js';
import { needsSnapshots, playRoutingScenario } from '../scenarios/play-routing.js';
import { routingScenario, type RoutingScenario } from '../scenarios/schema.js';
import { compactMessage, compactTopology } from './compact.js';
import { worded } from '../i18n/worded-error.js';
import { SandboxInputError } from './import-error.js';
import { describeIssue } from '../util/issue-words.js';
import type { SandboxState } from './sandbox-state.js';
import { narrate } from './scenario-narration.js';

export interface ScenarioMeta {
  title: string;
  description?: string;
  /** The file's name without .json; made from the title when absent. */
  id?: string;
}

export interface SavedScenario {
  filename: string;
  scenario: RoutingScenario;
  /** scenarios/<filename> exists: dropping this file there replaces a built-in scenario. */
  replaces_existing: boolean;
}

/** Scenarios saved from the sandbox come after the built-in ones on the home page. */
const ORDER = 100;

export function slugify(title: string): string {
  const slug = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'sandbox';
}

export async function saveAsScenario(broker: Broker, state: SandboxState, meta: ScenarioMeta): Promise<SavedScenario> {
  const id = meta.id ?? slugify(meta.title);
  if (state.messages.length === 0) throw new SandboxInputError(worded('error.scenario.no-message'), 'messages');
  const { topology } = state;
  const definitions = compactTopology(topology);
  definitions.exchanges.unshift(...predeclaredInUse(state));
  const text = (s: string) => ({ en: s, fr: s });
  const draft: RoutingScenario = {
    id,
    kind: 'routing',
    order: ORDER,
    title: text(meta.title),
    summary: text(meta.description || meta.title),
    intro: text(meta.description || meta.title),
    definitions: {
      ...(definitions.exchanges.length > 0 && { exchanges: definitions.exchanges as RoutingScenario['definitions']['exchanges'] }),
      queues: definitions.queues,
      ...(definitions.bindings.length > 0 && { bindings: definitions.bindings }),
    },
    steps: state.messages.map((m) => ({ message: compactMessage(m), narration: text('…'), expect: { queues: [] } })),
  };
  // The bodies are the author's own words, in whatever language: the same on both pages until translated in the file.
  const bodies = payloadsOf(draft);
  if (bodies.length > 0) draft.payloads = { fr: Object.fromEntries(bodies.map((b) => [b, b])) };
  check(draft);
  state.messages.forEach((m, i) => {
    // Refused publishes (403) have no place in a scenario step: it expects deliveries.
    if (topology.exchanges.some((x) => x.name === m.exchange && x.internal)) {
      throw new SandboxInputError(
        worded('error.scenario.internal', { at: `messages[${i}].exchange`, exchange: m.exchange }),
        `messages[${i}].exchange`,
      );
    }
  });

  const play = await playRoutingScenario(broker, draft);
  if (play.setup_error) {
    // The broker's own words (RabbitMQ's reply text) are kept as they are.
    throw new SandboxInputError(worded('error.scenario.refused', { reason: play.setup_error.message }), 'topology');
  }
  const snapshots = needsSnapshots(draft);
  const scenario: RoutingScenario = {
    ...draft,
    steps: draft.steps.map((step, k) => {
      const played = play.steps[k];
      const queues = topology.queues.map((q) => q.name).filter((q) => played.hit.includes(q));
      const holds = Object.fromEntries(topology.queues.map((q) => [q.name, (played.holds[q.name] ?? []).map((i) => i + 1)]));
      return {
        ...step,
        narration: narrate({ message: state.messages[k], queues, returned: played.returned }),
        expect: { queues, ...(played.returned && { returned: true }), ...(snapshots && { holds }) },
      };
    }),
  };
  check(scenario);
  const filename = `${id}.json`;
  return { filename, scenario, replaces_existing: existsSync(path.join(SCENARIO_DIR, filename)) };
}

/**
 * amq.topic & co. exist without being declared, but a scenario file names
 * every exchange it uses (the loader checks it). Declaring one again with its
 * own type and flags is accepted by the broker (docs/semantics.md §9), so it is written out.
 */
function predeclaredInUse(state: SandboxState): ExchangeDef[] {
  const declared = new Set(state.topology.exchanges.map((x) => x.name));
  const used = [
    ...state.topology.bindings.flatMap((b) => [b.source, ...(b.destination_type === 'exchange' ? [b.destination] : [])]),
    ...state.messages.map((m) => m.exchange),
  ];
  return [...new Set(used)]
    .filter((name) => !declared.has(name) && PREDECLARED_EXCHANGES.has(name))
    .map((name) => {
      const x = PREDECLARED_EXCHANGES.get(name)!;
      return { name, type: x.type, durable: true, ...(x.internal && { internal: true }) };
    });
}

/** The loader's rules, with paths said in the sandbox's words (topology…, messages[i]…). */
function check(scenario: RoutingScenario): void {
  const parsed = routingScenario.safeParse(scenario);
  if (!parsed.success) {
    const { wording, path } = describeIssue(scenario, parsed.error.issues[0]);
    throw new SandboxInputError((t) => t('error.scenario.cannot-hold', { problem: toSandboxWords(wording(t)) }), toSandboxWords(path));
  }
  const problems = crossReferenceProblems(parsed.data);
  if (problems.length > 0) {
    const first = toSandboxWords(problems[0]);
    throw new SandboxInputError(worded('error.scenario.cannot-hold', { problem: first }), first.split(':')[0]);
  }
}

function toSandboxWords(text: string): string {
  return text
    .replace(/\bdefinitions\./g, 'topology.')
    .replace(/^(exchanges|queues|bindings)\[/, 'topology.$1[')
    .replace(/\bsteps\[(\d+)\]\.message\b/g, 'messages[$1]')
    .replace(/^title\b/, 'title');
}
