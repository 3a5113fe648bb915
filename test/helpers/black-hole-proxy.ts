// A TCP proxy in front of RabbitMQ that can turn into a black hole: it keeps
// every connection open but forwards nothing, in either direction — what a
// dropped classroom Wi-Fi or a dead NAT does to a connection to a hosted
// broker. No FIN, no RST: only heartbeats can tell.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export class BlackHoleProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private swallowing = false;

  private constructor(
    private readonly target: { host: string; port: number },
    server: net.Server,
  ) {
    this.server = server;
    server.on('connection', (client) => this.accept(client));
  }

  static async start(target = { host: '127.0.0.1', port: 5672 }): Promise<BlackHoleProxy> {
    const proxy = new BlackHoleProxy(target, net.createServer());
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** From now on every byte is dropped, on open connections and on new ones (which are accepted and then hear nothing). */
  swallow(): void {
    this.swallowing = true;
  }

  /** The network is back: the connections that lived through the outage are cut (as a real NAT forgets them); new ones go through. */
  restore(): void {
    this.swallowing = false;
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.restore();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.target);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (!this.swallowing) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    // A side that closes while swallowing is not told to the other side either.
    const end = () => {
      if (this.swallowing) return;
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on('error', end);
      socket.on('close', end);
    }
  }
}
