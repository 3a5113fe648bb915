// A client that publishes and never reads: every publish is mandatory and
// unroutable, so the listener owes it a basic.return with the whole body back
// (a publish + get loop would do the same). It tries to push 1 GB; the
// listener must stop reading it once it owes it its write buffer (4 MB), as
// RabbitMQ's writer holds its reader back, so TCP blocks the client. The
// server's RSS stays within +64 MB, and another program's publish → get
// round trip keeps its latency. The server runs as `npm start` runs it.
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import { encodeContent, encodeMethod } from '../../src/amqp-server/codec.js';
import { readRss } from '../../tools/proc-memory.js';
import { startServer, type ServerProcess } from '../../tools/server-process.js';
import { WireClient } from '../helpers/amqp-wire.js';

const GOAL_BYTES = 1024 ** 3;
const BODY = Buffer.alloc(64 * 1024, 'b');
const FRAME_MAX = 131072;

async function roundTrips(ch: amqp.Channel, queue: string, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    ch.sendToQueue(queue, Buffer.from('ping'));
    for (;;) {
      if (await ch.get(queue, { noAck: true })) break;
    }
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length * 0.5)];
}

describe('backpressure: a client that never reads', function () {
  this.timeout(120_000);
  let server: ServerProcess;
  let port: number;

  before(async () => {
    server = await startServer({ BROKER: 'embedded', AMQP_LISTEN: '127.0.0.1:0' }, 30_000);
    for (let i = 0; i < 50 && !/programs connect to/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
    port = Number(/programs connect to amqp:\/\/localhost:(\d+)/.exec(server.output())![1]);
  });
  after(async () => server?.stop());

  it('is held back by TCP, the server stays within +64 MB, and others keep their latency', async () => {
    const other = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port}`, { noDelay: true });
    const och = await other.createChannel();
    const { queue } = await och.assertQueue('', { exclusive: true });
    const before = await roundTrips(och, queue, 200);
    const rssBefore = readRss(server.child.pid!).rssMb;

    // The hog: a real handshake, then it stops reading its socket for good.
    const hog = await WireClient.open(port, { frameMax: FRAME_MAX });
    hog.socket.pause();
    hog.socket.removeAllListeners('data');
    hog.method('ChannelOpen', 1, { outOfBand: '' });
    const publish = Buffer.concat([
      encodeMethod('BasicPublish', 1, { exchange: 'amq.direct', routingKey: 'nowhere', mandatory: true, immediate: false }),
      ...encodeContent(1, BODY, { fields: {} }, FRAME_MAX),
    ]);
    let pushed = 0;
    let peakRss = rssBefore;
    const started = Date.now();
    let stalledSince = 0;
    let during = 0;
    while (pushed < GOAL_BYTES) {
      if (hog.socket.write(publish)) {
        pushed += publish.length;
        stalledSince = 0;
        continue;
      }
      pushed += publish.length;
      // The socket's buffer is full: wait for it to drain, or give up once it has not moved for 3 s (held back).
      const drained = await Promise.race([
        new Promise<boolean>((r) => hog.socket.once('drain', () => r(true))),
        new Promise<boolean>((r) => setTimeout(() => r(false), 500)),
      ]);
      peakRss = Math.max(peakRss, readRss(server.child.pid!).rssMb);
      if (drained) stalledSince = 0;
      else {
        stalledSince ||= Date.now();
        if (!during) during = await roundTrips(och, queue, 200);
        if (Date.now() - stalledSince > 3000) break;
      }
      if (Date.now() - started > 60_000) break;
    }
    peakRss = Math.max(peakRss, readRss(server.child.pid!).rssMb);
    hog.close();
    await other.close();
    console.log(
      `      pushed ${(pushed / 1024 ** 2).toFixed(0)} MB of 1024 before TCP held it back; server RSS ${rssBefore.toFixed(0)} → peak ${peakRss.toFixed(0)} MB; other program's round trip p50 ${before.toFixed(2)} → ${during.toFixed(2)} ms`,
    );
    assert.ok(pushed < GOAL_BYTES, 'the hog was held back before 1 GB');
    assert.ok(peakRss - rssBefore <= 64, `server RSS grew by ${(peakRss - rssBefore).toFixed(0)} MB`);
    assert.ok(during > 0, 'measured while the hog was held back');
    assert.ok(during < Math.max(5, before * 5), `round trip p50 ${before.toFixed(2)} → ${during.toFixed(2)} ms`);
  });
});
