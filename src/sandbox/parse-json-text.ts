// Parses untrusted JSON text within the sandbox's bounds: size, then nesting
// (before JSON.parse, so no parser or validator ever recurses that deep).
import { textDepthExceeds } from './json-depth.js';
import type { Wording } from '../i18n/worded-error.js';
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
    throw new SandboxInputError(invalidJson(err as Error, what));
  }
}

/**
 * "`what` is not valid JSON", saying where V8's JSON.parse stopped, read from
 * its (English) message: "at position 5" → character 6, "Unexpected token
 * 'x'" → the character, "Unexpected end" → it ends too early. `what`: a
 * catalog key ("the request body").
 */
export function invalidJson(err: Error, what: string): Wording {
  const position = /at position (\d+)/.exec(err.message);
  const token = /^Unexpected token '(.)'/u.exec(err.message);
  const [key, params]: [string, Record<string, string | number>] = position
    ? ['error.json.invalid-at', { at: Number(position[1]) + 1 }]
    : token
      ? ['error.json.invalid-token', { token: token[1] }]
      : /Unexpected end/.test(err.message)
        ? ['error.json.truncated', {}]
        : ['error.json.invalid', {}];
  return (t) => t(key, { what: t(what), ...params });
}
