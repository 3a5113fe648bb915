// Bounds on what the sandbox accepts, so that a pasted file or a shared link
// can never make the server (or the page) do unbounded work.
import { RUN_LIMITS } from '../limits.js';

/** A definitions file, or any JSON body of the sandbox API. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * JSON nesting: file → list → entity → arguments → value is 5 levels; a
 * header value may hold arrays and tables of its own (§8 compares nested
 * tables), so leave room for a few of those and no more.
 */
export const MAX_DEPTH = 16;

// The same counts as POST /api/run's (one table): what imports also runs.
export const MAX_EXCHANGES = RUN_LIMITS.exchanges;
export const MAX_QUEUES = RUN_LIMITS.queues;
export const MAX_BINDINGS = RUN_LIMITS.bindings;
export const MAX_MESSAGES = RUN_LIMITS.messages;

/** The share link's encoded part, and what it may inflate to (a zip bomb stops there). */
export const MAX_LINK_CHARS = 100_000;
export const MAX_LINK_INFLATED_BYTES = MAX_BODY_BYTES;
