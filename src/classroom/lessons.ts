// What a class can be made of: the routing scenarios (each step a question:
// which queues will this message reach?) and the challenges. The right
// answer of a step is the scenario's own `expect.queues`, which
// test/scenarios replays on both brokers (so it is RabbitMQ's answer).
import { loadScenarios } from '../scenarios/load-scenarios.js';
import { localizeScenario } from '../scenarios/localize.js';
import { needsSnapshots } from '../scenarios/play-routing.js';
import type { RoutingScenario } from '../scenarios/schema.js';
import type { Lang } from '../i18n/catalogs.js';
import { challengeView, loadChallenges, type Challenge } from './challenges.js';
import type { ClassItem } from './class-model.js';

export class Lessons {
  readonly scenarios: RoutingScenario[];
  /** The scenarios a class cannot take yet, and the page says so: their question is which consumer, not which queues. */
  readonly consumerScenarios: { id: string; title: { en: string; fr: string } }[];
  readonly challenges: Challenge[];
  private readonly scenarioById: Map<string, RoutingScenario>;
  private readonly challengeById: Map<string, Challenge>;

  constructor() {
    // Consumer scenarios (acks, prefetch) ask "which consumer": not a question the class tally counts yet.
    const all = loadScenarios();
    this.scenarios = all.filter((s): s is RoutingScenario => s.kind === 'routing');
    this.consumerScenarios = all.filter((s) => s.kind !== 'routing').map((s) => ({ id: s.id, title: s.title }));
    this.challenges = loadChallenges();
    this.scenarioById = new Map(this.scenarios.map((s) => [s.id, s]));
    this.challengeById = new Map(this.challenges.map((c) => [c.id, c]));
  }

  scenario(id: string): RoutingScenario | undefined {
    return this.scenarioById.get(id);
  }

  challenge(id: string): Challenge | undefined {
    return this.challengeById.get(id);
  }

  /** The items for these ids, in the order given; unknown ids are left out. */
  items(ids: { scenarios: string[]; challenges: string[] }): ClassItem[] {
    const items: ClassItem[] = [];
    for (const id of ids.scenarios) {
      const s = this.scenarioById.get(id);
      if (s) items.push({ kind: 'scenario', id, steps: s.steps.length, options: s.definitions.queues.map((q) => q.name) });
    }
    for (const id of ids.challenges) if (this.challengeById.has(id)) items.push({ kind: 'challenge', id });
    return items;
  }

  /** The queues step `step` (1-based) of a scenario item reaches. */
  expected(item: ClassItem, step: number): string[] | undefined {
    if (item.kind !== 'scenario') return undefined;
    return this.scenarioById.get(item.id)?.steps[step - 1]?.expect.queues;
  }

  /** A column title for the CSV: "topic 3", "challenge topic-star". */
  label(item: ClassItem | undefined, step: number): string {
    if (!item) return '?';
    return item.kind === 'scenario' ? `${item.id} ${step}` : `challenge ${item.id}`;
  }

  /** What the class pages need of every item, in one language. */
  pageItems(items: ClassItem[], lang: Lang) {
    return items.map((item) => {
      if (item.kind === 'challenge')
        return { kind: 'challenge' as const, challenge: challengeView(this.challengeById.get(item.id)!, lang) };
      const s = localizeScenario(this.scenarioById.get(item.id)!, lang);
      return {
        kind: 'scenario' as const,
        title: s.title[lang],
        scenario: {
          id: s.id,
          kind: s.kind,
          definitions: s.definitions,
          consumers: s.consumers ?? [],
          removes: needsSnapshots(s),
          steps: s.steps.map((step) => ({ message: step.message, narration: step.narration[lang] })),
        },
      };
    });
  }
}
