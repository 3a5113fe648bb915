// A tab of a class page, without the page: the same WebSocket messages the
// teacher's and students' scripts send (src/classroom/class-protocol.ts).
// Tests use it for what a browser cannot easily forge; the load bench for
// hundreds of students.
import WebSocket from 'ws';

export type Received = { type: string; [k: string]: unknown };

export class ClassClient {
  readonly received: Received[] = [];
  private readonly waiters = new Set<() => void>();
  /** Called on every message as it arrives (the bench timestamps them). */
  onMessage: ((m: Received, at: number) => void) | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Received;
      this.received.push(m);
      this.onMessage?.(m, performance.now());
      for (const w of [...this.waiters]) w();
    });
  }

  static async open(baseUrl: string, origin = baseUrl): Promise<ClassClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/class/live`, { headers: { origin } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return new ClassClient(ws);
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message received from now on (or already, with `since`) that fits. */
  next(fits: (m: Received) => boolean, timeoutMs = 10_000, since = this.received.length): Promise<Received> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.slice(since).find(fits);
        if (found) {
          this.waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no fitting message within ${timeoutMs} ms; got ${JSON.stringify(this.received.slice(since)).slice(0, 500)}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** The latest view received. */
  view<T = Record<string, unknown>>(): T | null {
    for (let i = this.received.length - 1; i >= 0; i--) if (this.received[i].type === 'view') return this.received[i].view as T;
    return null;
  }

  close(): void {
    this.ws.close();
  }

  /** Joins as a student: answers the token and student id. */
  async join(code: string, name: string): Promise<{ token: string; studentId: string }> {
    const since = this.received.length;
    this.send({ type: 'join', code, name });
    const m = await this.next((x) => x.type === 'welcome' || x.type === 'error', 10_000, since);
    if (m.type === 'error') throw new Error(`join refused: ${String(m.key)}`);
    return { token: m.token as string, studentId: m.studentId as string };
  }
}

/** Starts a class over HTTP as the teacher's browser does: the code and the teacher key (from the cookie). */
export async function startClass(baseUrl: string, query = 'scenario=direct&challenge=topic-star'): Promise<{ code: string; key: string }> {
  const res = await fetch(`${baseUrl}/class/new?${query}`, { redirect: 'manual' });
  const location = res.headers.get('location') ?? '';
  const code = /\/class\/([A-Z0-9]{6})\/teach/.exec(location)?.[1];
  const key = /class-key-[A-Z0-9]{6}=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (!code || !key) throw new Error(`no class started (HTTP ${res.status}, location ${location})`);
  return { code, key: decodeURIComponent(key) };
}
