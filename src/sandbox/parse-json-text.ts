// Parses untrusted JSON text within the sandbox's bounds: size, then nesting
// (before JSON.parse, so no parser or validator ever recurses that deep).
import { textDepthExceeds } from './json-depth.js';
import { SandboxInputError } from './import-error.js';
import { MAX_BODY_BYTES, MAX_DEPTH } from './limits.js';

/** `what`: the catalog key of what the text is ("the request body"), the subject of the error's sentence. */
export function parseJsonText(text: string, what: string): unknown {
  const refuse = (key: string, params: Record<string, string | number> = {}) =>
    new SandboxInputError((t) => t(key, { what: t(what), ...params }));
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_BODY_BYTES) throw refuse('error.json.too-large', { bytes, max: MAX_BODY_BYTES });
  if (text.trim() === '') throw refuse('error.json.empty');
  const deep = textDepthExceeds(text, MAX_DEPTH);
  if (deep) throw refuse('error.json.too-deep', { max: MAX_DEPTH, at: deep.offset + 1 });
  try {
    return JSON.parse(text);
  } catch (err) {
    const { key, params } = jsonSyntaxError(err as Error);
    throw refuse(key, params);
  }
}

/**
 * Where V8's JSON.parse stopped, from its (English) message, as a catalog
 * key and parameters: "at position 5" → character 6, "Unexpected token 'x'"
 * → the character, "Unexpected end" → it ends too early.
 */
export function jsonSyntaxError(err: Error): { key: string; params: Record<string, string | number> } {
  const position = /at position (\d+)/.exec(err.message);
  if (position) return { key: 'error.json.invalid-at', params: { at: Number(position[1]) + 1 } };
  const token = /^Unexpected token '(.)'/u.exec(err.message);
  if (token) return { key: 'error.json.invalid-token', params: { token: token[1] } };
  if (/Unexpected end/.test(err.message)) return { key: 'error.json.truncated', params: {} };
  return { key: 'error.json.invalid', params: {} };
}
