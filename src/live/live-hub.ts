// Fans the live events out to the pages that watch: one LiveVhost per vhost,
// and for each viewer, a few times a second, the vhost's state when it
// changed. A viewer who reads slowly skips states (the next one has it all),
// so a flooding program never makes the server hold more per viewer than
// one state. Who may watch which vhost is LiveAccess's call.
import { LiveVhost, type LiveMessage } from './live-vhost.js';
import type { LiveEvent } from './events.js';

/** How often a changed vhost goes out: often enough that a message is on screen within ~100 ms. */
export const TICK_MS = 50;
/** Messages sent per state: the newest, with the engine's trace only for those the viewer has not had. */
const RECENT = 30;
const MAX_VHOSTS = 1000;
/** A viewer with this much unsent already is skipped this tick. */
const MAX_BUFFERED_BYTES = 512 * 1024;

export interface Viewer {
  vhost: string;
  send(text: string): void;
  /** Bytes queued to this viewer and not yet sent (ws.bufferedAmount). */
  buffered(): number;
  /** Last message id the viewer has with its trace. */
  lastId?: number;
  version?: number;
  skipped?: number;
}

export class LiveHub {
  private readonly vhosts = new Map<string, LiveVhost>();
  private readonly viewers = new Set<Viewer>();
  private readonly timer: NodeJS.Timeout;
  /** One encoded state per (vhost, version, what the viewer already has): 30 viewers up to date share one. */
  private cache = new Map<string, string>();

  constructor() {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  onEvent(vhost: string, event: LiveEvent): void {
    this.vhost(vhost)?.apply(event);
  }

  vhostNames(): string[] {
    return [...this.vhosts.keys()].sort();
  }

  state(vhost: string): LiveVhost | undefined {
    return this.vhosts.get(vhost);
  }

  watch(viewer: Viewer): () => void {
    this.viewers.add(viewer);
    this.vhost(viewer.vhost);
    this.sendTo(viewer);
    return () => this.viewers.delete(viewer);
  }

  close(): void {
    clearInterval(this.timer);
    this.viewers.clear();
  }

  private vhost(name: string): LiveVhost | undefined {
    let v = this.vhosts.get(name);
    if (!v && this.vhosts.size < MAX_VHOSTS) this.vhosts.set(name, (v = new LiveVhost(name)));
    return v;
  }

  private tick(): void {
    this.cache.clear();
    for (const viewer of this.viewers) {
      const v = this.vhosts.get(viewer.vhost);
      if (v && v.version !== viewer.version) this.sendTo(viewer);
    }
  }

  private sendTo(viewer: Viewer): void {
    const v = this.vhosts.get(viewer.vhost);
    if (!v) return;
    if (viewer.buffered() > MAX_BUFFERED_BYTES) {
      viewer.skipped = (viewer.skipped ?? 0) + 1;
      return;
    }
    const lastId = viewer.lastId ?? 0;
    const key = `${v.name}\u0000${v.version}\u0000${lastId}\u0000${viewer.skipped ?? 0}`;
    viewer.lastId = v.published;
    viewer.version = v.version;
    let text = this.cache.get(key);
    if (text === undefined) this.cache.set(key, (text = this.encode(v, lastId, viewer.skipped ?? 0)));
    viewer.send(text);
  }

  private encode(v: LiveVhost, lastId: number, skipped: number): string {
    const recent = v.messages.slice(-RECENT).map((m): LiveMessage => (m.id > lastId ? m : { ...m, trace: undefined }));
    return JSON.stringify({
      type: 'state',
      vhost: v.name,
      exchanges: [...v.exchanges.values()],
      queues: [...v.queues.values()],
      bindings: v.bindings,
      connections: [...v.connections.values()],
      paths: [...v.paths.values()].sort((a, b) => b.count - a.count).slice(0, 50),
      published: v.published,
      kept: v.messages.length,
      messages: recent,
      skipped,
    });
  }
}
