// The class transport within one process (the embedded broker): the writer
// is a plain function call, announcements are callbacks.
import { apply, refusal, type ClassState } from './class-model.js';
import type { ClassEvent, ClassTransport, Following, SubmittedInput } from './class-transport.js';

export class EmbeddedClassTransport implements ClassTransport {
  readonly kind = 'embedded' as const;
  private readonly classes = new Map<string, { state: ClassState; followers: Set<(e: ClassEvent) => void> }>();

  async create(state: ClassState): Promise<void> {
    this.classes.set(state.code, { state: structuredClone(state), followers: new Set() });
  }

  async follow(code: string, onEvent: (event: ClassEvent) => void): Promise<Following | null> {
    const entry = this.classes.get(code);
    if (!entry) return null;
    entry.followers.add(onEvent);
    return {
      state: structuredClone(entry.state),
      stop: async () => {
        entry.followers.delete(onEvent);
      },
    };
  }

  async submit(code: string, input: SubmittedInput): Promise<void> {
    const entry = this.classes.get(code);
    if (!entry) return;
    const refused = refusal(entry.state, input);
    const event: ClassEvent = refused
      ? { kind: 'refused', id: input.id, refusal: refused }
      : (apply(entry.state, input), { kind: 'applied', seq: entry.state.seq, input });
    // Announced after this call returns, as a broker would.
    queueMicrotask(() => {
      for (const follower of [...entry.followers]) follower(event);
      if (entry.state.ended) this.classes.delete(code);
    });
  }

  async close(): Promise<void> {
    this.classes.clear();
  }
}
