// Timing primitives: a monotonic clock (process.hrtime.bigint, never
// Date.now, which jumps and has 1 ms resolution), throughput in calibrated
// batches, and latency sampling with a warm-up that is thrown away.
import { median } from './stats.js';

export function nowNs(): bigint {
  return process.hrtime.bigint();
}

export function msSince(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

export interface ThroughputOptions {
  /** CPU time spent warming up (JIT, inline caches) before measuring. */
  warmupMs: number;
  /** Batches measured; the reported rate is their median. */
  batches: number;
  /** Target CPU time of one batch; the batch size is calibrated to it. */
  batchMs: number;
}

/** Operations per second of CPU time (what the code costs) and of wall time (what a busy machine gave it). */
export interface Rate {
  cpu: number;
  wall: number;
}

/** CPU time this process used since `since` (user + system, all threads), in ms. */
function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/**
 * Calls `task(i)` in a tight loop and answers operations per second. Each
 * result is counted into a sink so the JIT cannot drop the work.
 *
 * Rates are per second of CPU time: on a shared 2-core machine with a load
 * average of 10, a loop gets a fifth of a core and wall-clock rates measure
 * the neighbours. A synchronous loop's CPU time is its own work (plus the GC
 * threads it causes, which it should pay for). Wall-clock rates are kept too.
 */
export class ThroughputMeter {
  private size = 1;
  private sink = 0;

  constructor(private readonly task: (i: number) => unknown) {}

  /** Grows the batch until one batch takes about `batchMs` of CPU, running for at least `warmupMs`. */
  warmUp(warmupMs: number, batchMs: number): void {
    const start = process.cpuUsage();
    for (;;) {
      const { cpuMs } = this.runBatch(this.size);
      if (cpuMs < batchMs) this.size = Math.min(this.size * 2, 1 << 26);
      else if (cpuMsSince(start) >= warmupMs) return;
    }
  }

  /** One batch; answers its rates in operations per second. */
  measureOnce(): Rate {
    const { cpuMs, wallMs } = this.runBatch(this.size);
    return { cpu: (this.size / Math.max(cpuMs, 0.001)) * 1000, wall: (this.size / wallMs) * 1000 };
  }

  /** Keeps the results alive: printed nowhere, but the JIT cannot prove that. */
  get checksum(): number {
    return this.sink;
  }

  private runBatch(n: number): { cpuMs: number; wallMs: number } {
    const task = this.task;
    let sink = 0;
    const cpu = process.cpuUsage();
    const start = nowNs();
    for (let i = 0; i < n; i++) {
      const r = task(i);
      if (r !== undefined) sink++;
    }
    const wallMs = msSince(start);
    const cpuMs = cpuMsSince(cpu);
    this.sink += sink;
    return { cpuMs, wallMs };
  }
}

/**
 * Measures several tasks side by side: batches alternate between them
 * (A B C A B C …), so a neighbour's burst of CPU use hits all of them alike
 * and their ratio stays meaningful on a shared machine. Each rate is the
 * median over the batches.
 */
export function compareThroughput(tasks: Record<string, (i: number) => unknown>, options: ThroughputOptions): Record<string, Rate> {
  const meters = Object.entries(tasks).map(([name, fn]) => [name, new ThroughputMeter(fn)] as const);
  for (const [, meter] of meters) meter.warmUp(options.warmupMs, options.batchMs);
  const rates = new Map<string, Rate[]>(meters.map(([name]) => [name, []]));
  for (let b = 0; b < options.batches; b++) {
    for (const [name, meter] of meters) rates.get(name)!.push(meter.measureOnce());
  }
  return Object.fromEntries(
    [...rates].map(([name, r]) => [name, { cpu: median(r.map((x) => x.cpu)), wall: median(r.map((x) => x.wall)) }]),
  );
}

/** Latency of an async operation: `warmup` calls thrown away, then `samples` calls one after another. */
export async function sampleLatency(op: (i: number) => Promise<unknown>, warmup: number, samples: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await op(i);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = nowNs();
    await op(i);
    out.push(msSince(start));
  }
  return out;
}

/**
 * Latencies of several async operations side by side: call i of every
 * operation runs before call i+1 of any, so drift (a neighbour's test run)
 * hits each alike.
 */
export async function compareLatency(
  ops: Record<string, (i: number) => Promise<unknown>>,
  warmup: number,
  samples: number,
): Promise<Record<string, number[]>> {
  const entries = Object.entries(ops);
  for (let i = 0; i < warmup; i++) for (const [, op] of entries) await op(i);
  const out: Record<string, number[]> = Object.fromEntries(entries.map(([name]) => [name, []]));
  for (let i = 0; i < samples; i++) {
    for (const [name, op] of entries) {
      const start = nowNs();
      await op(i);
      out[name].push(msSince(start));
    }
  }
  return out;
}
