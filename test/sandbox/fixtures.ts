// Definitions files for the sandbox tests, read from fixtures/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** shop-definitions.json: a 3.10.8-style export of a small shop, with users, policies and entries to skip. */
export function shopDefinitionsText(): string {
  return readFileSync(path.join(dir, 'shop-definitions.json'), 'utf8');
}

export function shopDefinitions(): Record<string, any> {
  return JSON.parse(shopDefinitionsText());
}
