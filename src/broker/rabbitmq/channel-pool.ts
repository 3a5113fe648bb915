// Channels of the server's one AMQP connection, reused from run to run
// (design: never a connection per run or message). A channel closed by a
// broker refusal (404, 403, 406 close only the channel) is dropped and a fresh
// one is opened by whoever needs it; healthy ones go back to the pool.
import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import type { AmqpConnection } from '../amqp-connection.js';

/** A channel plus what happened to it: closed, and the refusal that closed it. */
export class TrackedChannel<C extends Channel = Channel> {
  closed = false;
  /** The error the broker closed the channel with (`code` = reply code). */
  closeError: (Error & { code?: number }) | null = null;

  constructor(
    readonly channel: C,
    readonly model: ChannelModel,
  ) {
    channel.on('error', (err: Error & { code?: number }) => {
      this.closeError ??= err;
    });
    channel.on('close', () => {
      this.closed = true;
    });
  }
}

export class ChannelPool {
  private model: ChannelModel | null = null;
  private idlePlain: TrackedChannel[] = [];
  private idleConfirm: TrackedChannel<ConfirmChannel>[] = [];

  constructor(
    private readonly connection: AmqpConnection,
    private readonly maxIdle = 8,
  ) {}

  async plain(): Promise<TrackedChannel> {
    const model = this.currentModel();
    const idle = this.takeIdle(this.idlePlain);
    if (idle) return idle;
    return new TrackedChannel(await this.connection.createChannel(), model);
  }

  async confirm(): Promise<TrackedChannel<ConfirmChannel>> {
    const model = this.currentModel();
    const idle = this.takeIdle(this.idleConfirm);
    if (idle) return idle;
    return new TrackedChannel(await this.connection.createConfirmChannel(), model);
  }

  /** Give a channel back: kept if still open on the live connection, else let go. */
  release(tracked: TrackedChannel<Channel>): void {
    if (tracked.closed) return;
    const reusable = tracked.model === this.model && this.connection.connected;
    const list: TrackedChannel<Channel>[] = isConfirm(tracked) ? this.idleConfirm : this.idlePlain;
    if (reusable && list.length < this.maxIdle) {
      list.push(tracked);
    } else {
      tracked.channel.close().catch(() => {});
    }
  }

  /** The live connection; a new one (after a reconnect) empties the pool. */
  private currentModel(): ChannelModel {
    const model = this.connection.current();
    if (model !== this.model) {
      this.model = model;
      this.idlePlain = [];
      this.idleConfirm = [];
    }
    return model;
  }

  private takeIdle<T extends TrackedChannel<Channel>>(list: T[]): T | undefined {
    let tracked = list.pop();
    while (tracked && tracked.closed) tracked = list.pop();
    return tracked;
  }
}

function isConfirm(tracked: TrackedChannel<Channel>): tracked is TrackedChannel<ConfirmChannel> {
  return typeof (tracked.channel as Partial<ConfirmChannel>).waitForConfirms === 'function';
}
