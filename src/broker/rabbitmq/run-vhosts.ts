// A vhost of its own for every run, where the broker lets the app create
// vhosts (management API): the run declares its names exactly as the user
// wrote them, and every header RabbitMQ writes (x-death, x-first-death-queue…)
// and every binding on them is RabbitMQ's own. One run at a time in a vhost;
// once the run is over, what it made is deleted and the vhost, empty again,
// waits for the next run (creating and deleting a vhost per run costs
// RabbitMQ more than the run: measured, it doubled every run's latency). A
// vhost whose emptying failed is deleted whole.
//
// Names: xtp-run-<creation time, base 36>-<random>. A server that dies leaves
// its vhosts behind; sweep() deletes those older than a minute that no
// connection uses (a live server holds a connection to each of its own), at
// start and every 10 minutes.
import { randomBytes } from 'node:crypto';
import { AmqpConnection, BrokerUnavailableError, type AmqpConnectionOptions } from '../amqp-connection.js';
import { ChannelPool } from './channel-pool.js';
import type { ManagementApi } from './management-api.js';

export const RUN_VHOST_PREFIX = 'xtp-run-';
const SWEEP_AGE_MS = 60_000;
const SWEEP_EVERY_MS = 10 * 60_000;
/** The longest close() waits for runs still holding a vhost (longer than BROKER_TIMEOUT's default). */
const CLOSE_WAIT_MS = 15_000;

export interface RunVhost {
  name: string;
  connection: AmqpConnection;
  pool: ChannelPool;
}

export class RunVhosts {
  /** Empty vhosts, connected, waiting for a run. */
  private readonly idle: RunVhost[] = [];
  /** Vhosts a run holds now; close() waits for them to come back (a run is bounded: BROKER_TIMEOUT). */
  private readonly out = new Set<RunVhost>();
  private allBack: (() => void) | null = null;
  /** Vhosts being deleted (close() waits for them). */
  private readonly deleting = new Set<Promise<void>>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly api: ManagementApi,
    /** The AMQP URL of the broker (its path, the vhost, is replaced). */
    private readonly amqpUrl: string,
    private readonly connectionOptions: AmqpConnectionOptions = {},
    /** How many empty vhosts wait for runs at most (more runs at once make more; the extra ones are deleted). */
    private readonly maxIdle = 4,
  ) {
    this.sweeper = setInterval(() => void this.sweep().catch(() => {}), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  /**
   * Whether this broker lets the app create vhosts (asked, not tried: a
   * server that dies before its first run leaves nothing), and sweeps the
   * leftovers of servers that died. Throws, saying why not.
   */
  async start(): Promise<void> {
    await this.api.checkMayCreateVhosts();
    await this.sweep();
  }

  /** How many empty vhosts wait for a run. */
  get waiting(): number {
    return this.idle.length;
  }

  /** An empty vhost for one run, connected; give it back with giveBack() once emptied, or discard() it. */
  async take(): Promise<RunVhost> {
    if (this.closed) throw new BrokerUnavailableError('the server is stopping');
    for (let vhost = this.idle.pop(); vhost; vhost = this.idle.pop()) {
      if (vhost.connection.connected) return this.lend(vhost);
      this.discard(vhost); // lost meanwhile (RabbitMQ restarted)
    }
    try {
      return this.lend(await this.make());
    } catch (err) {
      throw new BrokerUnavailableError(`could not give the run a vhost of its own (${(err as Error).message}); retrying`);
    }
  }

  /** The run is over and what it made is deleted: the vhost waits for the next run. */
  giveBack(vhost: RunVhost): void {
    if (this.closed || this.idle.length >= this.maxIdle || !vhost.connection.connected) this.discard(vhost);
    else {
      this.returned(vhost);
      this.idle.push(vhost);
    }
  }

  /** The vhost goes, with everything in it. */
  discard(vhost: RunVhost): void {
    this.returned(vhost);
    const deleted = this.delete(vhost).catch(() => {
      // Left for sweep(): a server's next start, or within 10 minutes.
    });
    this.deleting.add(deleted);
    void deleted.finally(() => this.deleting.delete(deleted));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const vhost of this.idle.splice(0)) this.discard(vhost);
    if (this.out.size > 0) {
      const back = new Promise<void>((resolve) => (this.allBack = resolve));
      await Promise.race([back, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    }
    await Promise.all(this.deleting);
  }

  /** Deletes the run vhosts a dead server left: older than a minute, and no connection on them. */
  async sweep(): Promise<string[]> {
    const now = Date.now();
    const swept: string[] = [];
    for (const name of await this.api.vhostNames()) {
      const born = bornAt(name);
      if (born === null || now - born < SWEEP_AGE_MS) continue;
      if ((await this.api.vhostConnections(name)) > 0) continue;
      await this.api.deleteVhost(name);
      swept.push(name);
    }
    return swept;
  }

  private lend(vhost: RunVhost): RunVhost {
    this.out.add(vhost);
    return vhost;
  }

  private returned(vhost: RunVhost): void {
    this.out.delete(vhost);
    if (this.out.size === 0) this.allBack?.();
  }

  private async make(): Promise<RunVhost> {
    const name = `${RUN_VHOST_PREFIX}${Date.now().toString(36)}-${randomBytes(9).toString('base64url')}`;
    await this.api.createVhost(name);
    const url = new URL(this.amqpUrl);
    url.pathname = `/${encodeURIComponent(name)}`;
    const connection = new AmqpConnection(url.toString(), { ...this.connectionOptions, connectionName: `playground run ${name}` });
    try {
      await connection.start(5000);
    } catch (err) {
      await connection.close();
      await this.api.deleteVhost(name).catch(() => {});
      throw err;
    }
    // Lost (the vhost deleted, RabbitMQ restarted): never reconnect to it.
    connection.once('disconnected', () => void connection.close());
    return { name, connection, pool: new ChannelPool(connection) };
  }

  private async delete(vhost: RunVhost): Promise<void> {
    await vhost.connection.close();
    await this.api.deleteVhost(vhost.name);
  }
}

/** When a run vhost was made, from its name (null: not a run vhost). */
export function bornAt(name: string): number | null {
  if (!name.startsWith(RUN_VHOST_PREFIX)) return null;
  const time = parseInt(name.slice(RUN_VHOST_PREFIX.length).split('-')[0], 36);
  return Number.isFinite(time) ? time : null;
}
