// Parses untrusted JSON text within the sandbox's bounds: size, then nesting
// (before JSON.parse, so no parser or validator ever recurses that deep).
import { textDepthExceeds } from './json-depth.js';
import { SandboxInputError } from './import-error.js';
import { MAX_BODY_BYTES, MAX_DEPTH } from './limits.js';

export function parseJsonText(text: string, what: string): unknown {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_BODY_BYTES) {
    throw new SandboxInputError(`${what} is too large: ${bytes} bytes (the limit is ${MAX_BODY_BYTES} bytes, 1 MB)`);
  }
  if (text.trim() === '') throw new SandboxInputError(`${what} is empty`);
  const deep = textDepthExceeds(text, MAX_DEPTH);
  if (deep) {
    throw new SandboxInputError(`${what} is nested more than ${MAX_DEPTH} levels deep (at character ${deep.offset + 1})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SandboxInputError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}
