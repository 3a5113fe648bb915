// What the sandbox holds — a topology and the messages published on it — as
// one validated value: the body of the export, link and scenario endpoints,
// and what a share link carries.
import { z } from 'zod';
import { SandboxInputError } from './import-error.js';
import { describeIssue } from '../util/issue-words.js';
import {
  messagesSchema,
  normalizeMessage,
  normalizeTopology,
  topologySchema,
  type SandboxMessage,
  type Topology,
} from './topology-schema.js';

export const sandboxStateShape = {
  topology: topologySchema,
  messages: messagesSchema.default([]),
};

export interface SandboxState {
  topology: Topology;
  messages: SandboxMessage[];
}

/** Validates `raw` against `schema` (which holds a topology and messages); 400-worthy errors name the entry. */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown, prefix: PropertyKey[] = []): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const { wording, path, limit } = describeIssue(raw, parsed.error.issues[0], prefix);
    throw new SandboxInputError(wording, path || undefined, limit);
  }
  return parsed.data;
}

export function normalizeState(state: {
  topology: z.input<typeof topologySchema>;
  messages?: z.input<typeof messagesSchema>;
}): SandboxState {
  return { topology: normalizeTopology(state.topology), messages: (state.messages ?? []).map(normalizeMessage) };
}
