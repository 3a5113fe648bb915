// One whole load run, as `npm run load` and the CI test do it: the server
// started as `npm start` starts it (a child process on RabbitMQ, in a vhost
// and with a connection name of its own), the class, then what the server
// left on the broker — while still up (once the tabs have gone) and after
// SIGTERM. The vhost is deleted afterwards, with everything in it.
import { startServer } from '../server-process.js';
import { ClassVhost, footprintAfterStop, settledFootprint } from './after-class.js';
import { exchangesIn, queuesIn, type Footprint } from './broker-footprint.js';
import { runClassroom, type ClassroomOptions, type ClassroomReport } from './classroom.js';

export interface LoadRunOptions extends Omit<ClassroomOptions, 'base' | 'serverPid' | 'tag'> {
  amqpUrl: string;
  /** The server's RATE_LIMIT_PER_SECOND / RATE_LIMIT_BURST (its defaults when absent). */
  rateLimit?: { perSecond: number; burst: number };
}

export interface LoadRunResult {
  report: ClassroomReport;
  tag: string;
  vhost: string;
  connectionName: string;
  /** /healthz status before and after the class. */
  health: { before: number; after: number };
  /** The server's footprint on RabbitMQ once the students' tabs have closed. */
  idle: Footprint;
  /** The queues and exchanges in the server's vhost once the class is over (the server still up). */
  queues: string[];
  exchanges: string[];
  /** The server's footprint after it stopped. */
  stopped: Footprint;
  exitCode: number | null;
  /** The server's own error log lines (pino level ≥ 50). */
  serverErrors: string[];
}

export async function loadRun(options: LoadRunOptions): Promise<LoadRunResult> {
  const vhost = new ClassVhost(options.amqpUrl);
  const tag = `ld${vhost.name.slice(-6)}`;
  const connectionName = `playground load ${vhost.name}`;
  await vhost.create();
  try {
    const server = await startServer({
      BROKER: 'rabbitmq',
      AMQP_URL: vhost.url,
      AMQP_CONNECTION_NAME: connectionName,
      ...(options.rateLimit && {
        RATE_LIMIT_PER_SECOND: String(options.rateLimit.perSecond),
        RATE_LIMIT_BURST: String(options.rateLimit.burst),
      }),
    });
    try {
      // The students' loopback source addresses are IPv4: so must the server's address be.
      const base = server.url.replace('localhost', '127.0.0.1');
      const healthBefore = (await fetch(`${base}/healthz`)).status;
      const report = await runClassroom({ ...options, base, tag, serverPid: server.child.pid! });
      const healthAfter = (await fetch(`${base}/healthz`)).status;
      const idle = await settledFootprint(connectionName);
      const [queues, exchanges] = await Promise.all([queuesIn(vhost.name), exchangesIn(vhost.name)]);
      const exitCode = await server.stop('SIGTERM');
      const stopped = await footprintAfterStop(connectionName);
      const serverErrors = server
        .output()
        .split('\n')
        .filter((line) => /"level":(5\d|60)/.test(line));
      return {
        report,
        tag,
        vhost: vhost.name,
        connectionName,
        health: { before: healthBefore, after: healthAfter },
        idle,
        queues,
        exchanges,
        stopped,
        exitCode,
        serverErrors,
      };
    } finally {
      if (server.child.exitCode === null) await server.stop('SIGKILL');
    }
  } finally {
    await vhost.delete();
  }
}
