// The classroom pages: `/` (the concepts and the list of scenarios) and
// `/scenarios/:id` (step through one), plus their JSON:
//   GET /api/scenarios            the list
//   GET /api/scenarios/:id        one scenario's data and its code
//   GET /api/scenarios/:id/play   play it on the server's broker, now
// Playing is a GET: it changes nothing that outlives the request (every name
// is private to the play and deleted), and the page loads it on every visit.
import type { Request, RequestHandler } from 'express';
import type { Broker } from '../../broker/broker.js';
import type { AmqpConnection } from '../../broker/amqp-connection.js';
import { HttpError } from '../errors.js';
import { localizeScenario } from '../../scenarios/localize.js';
import { worded } from '../../i18n/worded-error.js';
import { translator, wordsWithPrefix, type Lang } from '../i18n/index.js';
import { codeSnippets } from '../../scenarios/code-snippets.js';
import { loadScenarios } from '../../scenarios/load-scenarios.js';
import { needsSnapshots } from '../../scenarios/play-routing.js';
import { playScenario } from '../../scenarios/play-scenario.js';
import type { Scenario } from '../../scenarios/schema.js';

/** The concepts the home page introduces, in teaching order. */
const CONCEPTS = ['producer', 'exchange', 'binding', 'queue', 'consumer', 'message', 'vhost'] as const;

/** `connection`: the app's AMQP connection to its broker (consumer scenarios play real consumers on it). */
export function scenarioHandlers(services: { broker: Broker; connection?: AmqpConnection | null }) {
  const scenarios = loadScenarios();
  const byId = new Map(scenarios.map((s) => [s.id, s]));

  const find = (id: string): Scenario => {
    const scenario = byId.get(id);
    if (!scenario) throw new HttpError(404, worded('error.no-scenario', { id }), 'id');
    return scenario;
  };
  const summary = (s: Scenario, lang: Lang) => ({
    id: s.id,
    kind: s.kind,
    title: s.title[lang],
    summary: s.summary[lang],
    steps: s.steps.length,
  });

  const home: RequestHandler = (_req, res) => {
    const lang = res.locals.lang as Lang;
    res.render('home', {
      concepts: CONCEPTS,
      scenarios: scenarios.map((s) => summary(s, lang)),
      styles: ['/static/css/scenario.css'],
    });
  };

  const page: RequestHandler<{ id: string }> = (req, res) => {
    const lang = res.locals.lang as Lang;
    const scenario = byId.get(req.params.id);
    if (!scenario) {
      res.status(404).render('home', {
        concepts: CONCEPTS,
        scenarios: scenarios.map((s) => summary(s, lang)),
        styles: ['/static/css/scenario.css'],
        notFound: req.params.id,
      });
      return;
    }
    const step = parseStep(req, scenario);
    const local = localizeScenario(scenario, lang);
    res.render('scenario', {
      title: scenario.title[lang],
      scenario: pageData(local, lang),
      intro: scenario.intro[lang],
      summary: scenario.summary[lang],
      step,
      code: codeSnippets(local, { lang, t: translator(lang) }),
      words: wordsWithPrefix(lang, 'scenario.js.'),
      styles: ['/static/css/scenario.css'],
      scripts: ['/static/js/scenario-page.js'],
    });
  };

  const list: RequestHandler = (_req, res) => {
    res.json({ scenarios: scenarios.map((s) => ({ ...summary(s, 'en'), order: s.order, title: s.title, summary: s.summary })) });
  };

  const one: RequestHandler<{ id: string }> = (req, res) => {
    const lang = res.locals.lang as Lang;
    const scenario = localizeScenario(find(req.params.id), lang);
    res.json({ scenario, code: codeSnippets(scenario, { lang, t: translator(lang) }) });
  };

  const play: RequestHandler<{ id: string }> = async (req, res) => {
    // Played in the asker's language: a French page's messages carry French bodies, and its deliveries name them.
    const scenario = localizeScenario(find(req.params.id), res.locals.lang as Lang);
    const played = await playScenario(scenario, services);
    res.set('Cache-Control', 'no-store');
    res.json(played);
  };

  return { home, page, list, one, play };
}

/** ?step=N: 0 (before the first message) to the number of steps. */
function parseStep(req: Request, scenario: Scenario): number {
  const raw = req.query.step;
  if (raw === undefined || raw === '') return 0;
  const n = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n > scenario.steps.length) {
    throw new HttpError(400, worded('error.step', { max: scenario.steps.length }), 'step');
  }
  return n;
}

/** What the page script needs, in the page's language only. */
function pageData(s: Scenario, lang: Lang) {
  const common = {
    id: s.id,
    kind: s.kind,
    definitions: s.definitions,
    consumers: s.consumers ?? [],
  };
  if (s.kind === 'routing') {
    return {
      ...common,
      removes: needsSnapshots(s),
      steps: s.steps.map((step) => ({ message: step.message, narration: step.narration[lang] })),
    };
  }
  return { ...common, removes: true, steps: s.steps.map((step) => ({ actions: step.actions, narration: step.narration[lang] })) };
}
