// A minimal keep-alive HTTP client for latency figures: one socket reused,
// as a browser reuses its connection, so each sample is one request and not
// a TCP handshake.
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  body: string;
}

export class KeepAliveClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly base: string,
    /** Source address on the loopback (127.0.0.x): one "client" per address, as the rate limit sees clients. */
    private readonly localAddress?: string,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        new URL(path, this.base),
        {
          method,
          agent: this.agent,
          ...(this.localAddress ? { localAddress: this.localAddress } : {}),
          headers: {
            ...headers,
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
