// How a class's inputs reach every server process that serves it. One writer
// applies the inputs in one order and announces each applied input with its
// sequence number; every follower applies the same announcements to its own
// copy of the class (class-model.ts is deterministic). The inputs travel
// through the broker, so that two server processes share a class and a
// restart loses no answer (amqp-transport.ts, on either broker).
import type { ClassInput, ClassState, Refusal } from './class-model.js';

/** An input as it travels: with an id, so its sender learns what became of it. */
export type SubmittedInput = ClassInput & { id: string };

export type ClassEvent =
  | { kind: 'applied'; seq: number; input: SubmittedInput }
  /** The writer refused it (the sender's copy was behind, e.g. the teacher revealed meanwhile). */
  | { kind: 'refused'; id: string; refusal: Refusal }
  /** The follower missed announcements: here is the whole class again. */
  | { kind: 'reset'; state: ClassState }
  /** The class is no more (ended, or expired on the broker). */
  | { kind: 'gone' };

export interface Following {
  /** The class as it stands; the events that follow start right after its seq. */
  state: ClassState;
  stop(): Promise<void>;
}

export interface ClassTransport {
  /** Stores a new class. */
  create(state: ClassState): Promise<void>;
  /** Follows a class; null when there is no such class (never created, ended, or expired). */
  follow(code: string, onEvent: (event: ClassEvent) => void): Promise<Following | null>;
  /** Hands an input to the writer; resolves once it is safe (on RabbitMQ: confirmed by the broker). */
  submit(code: string, input: SubmittedInput): Promise<void>;
  close(): Promise<void>;
}
