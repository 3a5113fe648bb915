// A scenario in one language: its message bodies in the page's words. The
// file names each body by its English text ("task 1"); `payloads.fr` gives
// the French ones ("tâche 1"). Everything a body appears in changes with it —
// the published messages, and in consumer scenarios the acks and the
// expectations that name messages by body — so a French play publishes
// "tâche 1" and the French page reads it back from the broker.
import type { Lang } from '../i18n/catalogs.js';
import type { Scenario } from './schema.js';

/** Every message body the scenario publishes, in order. */
export function payloadsOf(scenario: Scenario): string[] {
  if (scenario.kind === 'routing') return scenario.steps.flatMap((s) => (s.message.payload ? [s.message.payload] : []));
  return scenario.steps.flatMap((s) => s.actions.flatMap((a) => (a.type === 'publish' ? [a.message.payload] : [])));
}

export function localizeScenario<S extends Scenario>(scenario: S, lang: Lang): S;
export function localizeScenario(scenario: Scenario, lang: Lang): Scenario {
  const words = lang === 'en' ? undefined : scenario.payloads?.[lang];
  if (!words) return scenario;
  const say = (body: string) => words[body] ?? body;
  const sayAll = (record: Record<string, string[]>) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v.map(say)]));

  if (scenario.kind === 'routing') {
    return {
      ...scenario,
      steps: scenario.steps.map((step) =>
        step.message.payload === undefined ? step : { ...step, message: { ...step.message, payload: say(step.message.payload) } },
      ),
    };
  }
  return {
    ...scenario,
    steps: scenario.steps.map((step) => ({
      ...step,
      actions: step.actions.map((a) =>
        a.type === 'publish'
          ? { ...a, message: { ...a.message, payload: say(a.message.payload) } }
          : a.type === 'ack' || a.type === 'nack'
            ? { ...a, message: say(a.message) }
            : a,
      ),
      expect: {
        deliveries: step.expect.deliveries.map((d) => ({ ...d, message: say(d.message) })),
        ready: sayAll(step.expect.ready),
        unacked: sayAll(step.expect.unacked),
      },
    })),
  };
}
