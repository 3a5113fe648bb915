// Share links: the sandbox's topology and messages in the page URL's
// fragment (#s=…), so a teacher can send a link and opening it restores
// everything. The fragment never reaches a server log. Format: "1." then
// base64url of raw-deflated JSON, with fields at their default value left out.
// Decoding bounds every step: the link's length, what it inflates to (a zip
// bomb stops there), the JSON's nesting, then the same schema as the API.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { compactMessage, compactTopology } from './compact.js';
import { worded, type Wording } from '../i18n/worded-error.js';
import { SandboxInputError } from './import-error.js';
import { MAX_LINK_CHARS, MAX_LINK_INFLATED_BYTES } from './limits.js';
import { parseJsonText } from './parse-json-text.js';
import { MAX_MESSAGES } from './limits.js';
import { normalizeState, parseWith, sandboxStateShape, type SandboxState } from './sandbox-state.js';

const VERSION = '1.';
/** The message whose outcome the sender was looking at (0-based), so the link opens on the same view. */
const selected = z
  .number()
  .int()
  .min(0)
  .max(MAX_MESSAGES - 1)
  .optional();
export const linkStateSchema = z.object({ ...sandboxStateShape, selected }).strict();

export type SharedState = SandboxState & { selected?: number };

export function encodeShareLink(state: SharedState): string {
  const compact = {
    topology: compactTopology(state.topology),
    messages: state.messages.map(compactMessage),
    ...(state.selected !== undefined && { selected: state.selected }),
  };
  const packed = deflateRawSync(Buffer.from(JSON.stringify(compact)), { level: 9 }).toString('base64url');
  const link = VERSION + packed;
  if (link.length > MAX_LINK_CHARS) {
    throw new SandboxInputError(worded('error.link.too-large', { length: link.length, max: MAX_LINK_CHARS }));
  }
  return link;
}

export function decodeShareLink(link: string): SharedState {
  const broken = (why: Wording) => new SandboxInputError((t) => t('error.link.broken', { why: why(t) }), 'link');
  if (link.length > MAX_LINK_CHARS) throw broken(worded('error.link.too-long', { max: MAX_LINK_CHARS }));
  if (!link.startsWith(VERSION)) throw broken(worded('error.link.version'));
  const packed = link.slice(VERSION.length);
  if (!/^[A-Za-z0-9_-]*$/.test(packed)) throw broken(worded('error.link.characters'));
  let json: string;
  try {
    json = inflateRawSync(Buffer.from(packed, 'base64url'), { maxOutputLength: MAX_LINK_INFLATED_BYTES }).toString('utf8');
  } catch (err) {
    const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw broken(tooBig ? worded('error.link.unpacks-too-large', { max: MAX_LINK_INFLATED_BYTES }) : worded('error.link.unpack'));
  }
  let raw: unknown;
  try {
    raw = parseJsonText(json, 'error.what.link');
  } catch (err) {
    throw err instanceof SandboxInputError ? broken(err.wording) : err;
  }
  const parsed = parseWith(linkStateSchema, raw);
  const state: SharedState = normalizeState(parsed);
  if (parsed.selected !== undefined && parsed.selected < state.messages.length) state.selected = parsed.selected;
  return state;
}
