// One line of the table: a figure measured beside its baseline in the same
// run, their ratio, and the goal it is judged against.

export interface Figure {
  value: number;
  unit: string;
}

export interface Row {
  /** What was measured, e.g. "routing: topic, 1,000 random bindings". */
  benchmark: string;
  /** The measured figure (e.g. 2.4e6 routes/s). */
  figure: Figure;
  /** Its baseline measured in the same run, and what that baseline is. */
  baseline: (Figure & { label: string }) | null;
  /**
   * figure / baseline, or the goal's own ratio when the goal is relative
   * (a "× floor" goal). null when there is no baseline.
   */
  ratio: number | null;
  /** The goal in words ("≥ 1,000,000 routes/s"), or "" for context-only rows. */
  goal: string;
  /** true/false when there is a goal; null when the row is context only or was not run. */
  met: boolean | null;
  /** Why a row was not run, or what holds a missed goal back. */
  note?: string;
}

export function ratioOf(figure: number, baseline: number): number | null {
  return baseline > 0 && Number.isFinite(baseline) ? figure / baseline : null;
}

/** A row for a benchmark that could not run (a component missing, RabbitMQ away …). */
export function notRun(benchmark: string, goal: string, why: string): Row {
  return { benchmark, figure: { value: NaN, unit: '' }, baseline: null, ratio: null, goal, met: null, note: `not run: ${why}` };
}
