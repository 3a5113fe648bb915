// One student's HTTP connection: keep-alive (a browser reuses its connection,
// so a sample is one request, not a TCP handshake), an own loopback source
// address when asked (the rate limit then sees one client per student, as it
// would see one laptop each), and a timeout on every request — a hang is a
// failure the load test must report, never wait for.
import http from 'node:http';

export interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export class StudentHttp {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    private readonly base: string,
    private readonly localAddress?: string,
    private readonly timeoutMs = 30_000,
  ) {}

  get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.request('GET', path, undefined, headers);
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return this.request('POST', path, Buffer.from(JSON.stringify(body)), { 'content-type': 'application/json', ...headers });
  }

  /** Requests sent again after a keep-alive race (see request()). */
  static retried = 0;

  /**
   * A request on a kept-alive socket that the server closes at that very
   * moment (its keepAliveTimeout, 5 s) fails before any answer: browsers send
   * it again on a new connection, and so does this client, once (Node's
   * documented pattern, req.reusedSocket).
   */
  async request(method: string, path: string, payload?: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
    try {
      return await this.attempt(method, path, payload, headers);
    } catch (err) {
      if (!(err as { reusedSocket?: boolean }).reusedSocket || (err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
      StudentHttp.retried++;
      return this.attempt(method, path, payload, headers);
    }
  }

  private attempt(method: string, path: string, payload?: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        new URL(path, this.base),
        {
          method,
          agent: this.agent,
          ...(this.localAddress ? { localAddress: this.localAddress } : {}),
          headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The i-th student's source address: 127.0.0.2, 127.0.0.3, … (127.0.0.1 stays the harness's own). */
export function studentAddress(i: number): string {
  const n = i + 1;
  return `127.0.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}
