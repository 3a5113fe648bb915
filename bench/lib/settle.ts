// Waits until a stream of arrivals has gone quiet (e.g. the "X is online"
// notices that follow every join) so they do not pollute latency samples.
export async function quiet(lastArrivalNs: () => bigint, quietMs: number, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  const startNs = process.hrtime.bigint();
  while (Date.now() < deadline) {
    const arrival = lastArrivalNs();
    const last = arrival > startNs ? arrival : startNs;
    const sinceMs = Number(process.hrtime.bigint() - last) / 1e6;
    if (sinceMs >= quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, quietMs - sinceMs)));
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function inBatches<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
