// The broker the benchmarks use: the same variables as the app (design.md).
export const AMQP_URL = process.env.AMQP_URL || process.env.CLOUDAMQP_URL || 'amqp://guest:guest@localhost:5672';

/** A prefix no one else uses, so parallel test runs never collide with a bench run. */
export function benchPrefix(): string {
  return `bench.${process.pid}.${Math.random().toString(36).slice(2, 8)}.`;
}
