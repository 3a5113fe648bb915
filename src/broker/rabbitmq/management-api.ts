// The few calls of RabbitMQ's management HTTP API the app makes: creating and
// deleting the vhosts runs get one each (run-vhosts.ts). AMQP itself cannot
// create a vhost. Every call is bounded: a silent API answers an error, not a
// hang.
//
//   const api = ManagementApi.forAmqpUrl('amqp://guest:guest@localhost:5672');
//   await api.createVhost('xtp-run-…');   // the creating user gets every permission on it
//   await api.deleteVhost('xtp-run-…');   // and everything in it

const CALL_TIMEOUT_MS = 5000;

export class ManagementApi {
  constructor(
    /** e.g. http://localhost:15672 (RABBITMQ_MANAGEMENT_URL), without credentials. */
    readonly baseUrl: string,
    private readonly user: string,
    private readonly password: string,
  ) {}

  /**
   * The management API beside an AMQP URL: RABBITMQ_MANAGEMENT_URL when given,
   * else the same host on the plugin's default port (15672; 15671 over TLS),
   * with the AMQP URL's credentials.
   */
  static forAmqpUrl(amqpUrl: string, managementUrl?: string): ManagementApi {
    const amqp = new URL(amqpUrl);
    const base = new URL(
      managementUrl || `${amqp.protocol === 'amqps:' ? 'https' : 'http'}://${amqp.hostname}:${amqp.protocol === 'amqps:' ? 15671 : 15672}`,
    );
    const user = decodeURIComponent(base.username || amqp.username || 'guest');
    const password = decodeURIComponent(base.password || amqp.password || 'guest');
    base.username = '';
    base.password = '';
    return new ManagementApi(base.toString().replace(/\/$/, ''), user, password);
  }

  async createVhost(name: string): Promise<void> {
    await this.call('PUT', `/api/vhosts/${encodeURIComponent(name)}`, [201, 204]);
  }

  /** Deleting a vhost that is already gone is not an error. */
  async deleteVhost(name: string): Promise<void> {
    await this.call('DELETE', `/api/vhosts/${encodeURIComponent(name)}`, [204, 404]);
  }

  /** How many connections are open on a vhost (the API's figures lag by up to its stats interval, 5 s). */
  async vhostConnections(name: string): Promise<number> {
    const res = await this.call('GET', `/api/vhosts/${encodeURIComponent(name)}/connections?columns=name`, [200, 404]);
    return res.status === 404 ? 0 : ((await res.json()) as unknown[]).length;
  }

  /** Throws, saying why, unless the API answers and its user may create vhosts (RabbitMQ asks the administrator tag). */
  async checkMayCreateVhosts(): Promise<void> {
    const res = await this.call('GET', '/api/whoami', [200]);
    const { tags } = (await res.json()) as { tags?: string[] | string };
    const list = Array.isArray(tags) ? tags : String(tags ?? '').split(',');
    if (!list.includes('administrator')) throw new Error(`the user ${this.user} may not create vhosts (that takes the administrator tag)`);
  }

  /** Every vhost's name. */
  async vhostNames(): Promise<string[]> {
    const res = await this.call('GET', '/api/vhosts?columns=name', [200]);
    return ((await res.json()) as { name: string }[]).map((v) => v.name);
  }

  private async call(method: string, path: string, ok: number[]): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: { authorization: `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}` },
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new Error(`the management API at ${this.baseUrl} did not answer ${method} ${path} (${cause})`, { cause: err });
    }
    if (!ok.includes(res.status)) {
      const body = (await res.text().catch(() => '')).slice(0, 200);
      throw new Error(`the management API at ${this.baseUrl} answered ${method} ${path} with ${res.status}${body ? `: ${body}` : ''}`);
    }
    return res;
  }
}
