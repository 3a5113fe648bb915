// Sends one fuzz case to a broker and names how the connection ended, in
// words that compare across brokers: "close 501 0/0" (connection.close with
// reply code and class/method ids; "its method" when they are the ids of the
// method the input was about), "channel.close 406 60/40", "version"
// (its own protocol header back, then closed), "drop" (closed without a
// word), "accepted" (our closing connection.close was answered: the input
// was taken) or "no answer" (still open at the deadline).
import { WireClient } from './amqp-wire.js';
import type { FuzzCase } from './amqp-fuzz-cases.js';
import { PROTOCOL_HEADER } from '../../src/amqp-server/codec.js';

/** Connects and runs the handshake as far as the case's stage. */
async function reach(port: number, stage: FuzzCase['stage']): Promise<WireClient> {
  if (stage === 'open') return WireClient.open(port);
  const c = await WireClient.connect(port);
  if (stage === 'raw') return c;
  c.send(PROTOCOL_HEADER);
  await c.waitFor('ConnectionStart');
  if (stage === 'start') return c;
  c.method('ConnectionStartOk', 0, { clientProperties: {}, mechanism: 'PLAIN', response: Buffer.from('\0guest\0guest'), locale: 'en_US' });
  await c.waitFor('ConnectionTune');
  return c;
}

export async function runCase(port: number, fuzz: FuzzCase, deadlineMs: number): Promise<string> {
  const c = await reach(port, fuzz.stage);
  try {
    const from = c.frames.length;
    c.send(fuzz.bytes);
    if (fuzz.fin) c.socket.end();
    // After an input both brokers take, our own close ends it at once ("accepted").
    else if (fuzz.stage === 'open') c.method('ConnectionClose', 0, { replyCode: 200, replyText: '', classId: 0, methodId: 0 });
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const answer = c.frames.slice(from).find((f) => f.method === 'ConnectionClose' || f.method === 'ChannelClose');
      if (answer) {
        const f = answer.fields!;
        // Answer close-ok as a client would, so neither broker waits on us.
        if (answer.method === 'ConnectionClose') c.method('ConnectionCloseOk', 0, {});
        const ids = `${f.classId}/${f.methodId}`;
        return `${answer.method === 'ConnectionClose' ? 'close' : 'channel.close'} ${f.replyCode} ${ids === fuzz.methodIds ? 'its method' : ids}`;
      }
      // Our own connection.close (the runner's sentinel) was answered: the input was taken.
      if (c.frames.slice(from).some((f) => f.method === 'ConnectionCloseOk')) return 'accepted';
      if (c.closed) return c.frames.slice(from).some((f) => f.method?.startsWith('header ')) ? 'version' : 'drop';
      if (Date.now() > deadline) return 'no answer';
      await c.settle(50, 100);
    }
  } finally {
    c.close();
  }
}

/** Runs `tasks` with at most `width` at a time, results in order. */
export async function pool<T>(width: number, count: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}
