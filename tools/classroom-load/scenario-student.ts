// A student's scenario tab, doing what public/js/scenario-page.js makes the
// browser do: open /scenarios/:id (the page), then GET
// /api/scenarios/:id/play (the whole scenario played on the server's broker,
// once per page load). Stepping (next, prev, the keyboard) is client-side and
// costs no request — so the cost of "a step" on the server is this play call,
// paid each time a student opens a scenario.
import { nowNs } from '../timing.js';
import type { ErrorLog } from './error-log.js';
import { StudentHttp } from './student-http.js';

export interface ScenarioInfo {
  id: string;
  kind: 'routing' | 'consumers';
  steps: number;
}

interface Play {
  error?: string | null;
  setup_error?: unknown;
  steps?: { prediction_mismatch?: boolean; mismatch?: string }[];
}

export class ScenarioStudent {
  private readonly http: StudentHttp;

  constructor(
    base: string,
    private readonly errors: ErrorLog,
    localAddress?: string,
  ) {
    this.http = new StudentHttp(base, localAddress);
  }

  /** Opens a scenario page and loads its play; answers both durations in ms (null if it failed). */
  async open(scenario: ScenarioInfo, lang: 'en' | 'fr'): Promise<{ pageMs: number; playMs: number } | null> {
    try {
      const pageStart = nowNs();
      const page = await this.http.get(`/scenarios/${encodeURIComponent(scenario.id)}?lang=${lang}`);
      const pageMs = Number(nowNs() - pageStart) / 1e6;
      if (page.status !== 200 || !page.body.includes('data-scenario-page')) {
        this.errors.add(`scenario: page answered ${page.status}`, `${scenario.id}: ${page.body.slice(0, 200)}`);
        return null;
      }
      const playStart = nowNs();
      const answer = await this.http.get(`/api/scenarios/${encodeURIComponent(scenario.id)}/play`, { accept: 'application/json' });
      const playMs = Number(nowNs() - playStart) / 1e6;
      if (answer.status !== 200) {
        this.errors.add(`scenario: play answered ${answer.status}`, `${scenario.id}: ${answer.body.slice(0, 200)}`);
        return null;
      }
      const play = JSON.parse(answer.body) as Play;
      // What the page shows as a failure (status.error) or flags as a mismatch.
      if (play.error || play.setup_error) {
        this.errors.add('scenario: play failed', `${scenario.id}: ${play.error ?? JSON.stringify(play.setup_error)}`);
        return null;
      }
      if (play.steps?.length !== scenario.steps) {
        this.errors.add('scenario: play has the wrong number of steps', `${scenario.id}: ${play.steps?.length} for ${scenario.steps}`);
        return null;
      }
      const mismatches = play.steps.filter((s) => s.prediction_mismatch || s.mismatch);
      if (mismatches.length > 0)
        this.errors.add('scenario: broker and engine disagree', `${scenario.id}: ${JSON.stringify(mismatches[0])}`);
      return { pageMs, playMs };
    } catch (err) {
      this.errors.add('scenario: request failed', `${scenario.id}: ${(err as Error).message}`);
      return null;
    }
  }

  close(): void {
    this.http.close();
  }
}

/** The scenarios as the home page lists them. */
export async function listScenarios(base: string): Promise<ScenarioInfo[]> {
  const http = new StudentHttp(base);
  try {
    const answer = await http.get('/api/scenarios');
    if (answer.status !== 200) throw new Error(`GET /api/scenarios answered ${answer.status}`);
    return (JSON.parse(answer.body) as { scenarios: ScenarioInfo[] }).scenarios.map(({ id, kind, steps }) => ({ id, kind, steps }));
  } finally {
    http.close();
  }
}
