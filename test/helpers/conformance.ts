// Where the recorded conformance cases live: ../shared/conformance beside the
// repository (CI lays shared/ beside the clone), or CONFORMANCE_DIR.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function conformanceDir(): string {
  const candidates = [process.env.CONFORMANCE_DIR, path.resolve(root, '../shared/conformance')].filter(Boolean) as string[];
  for (const dir of candidates) if (existsSync(path.join(dir, 'cases'))) return dir;
  throw new Error(`conformance cases not found (looked in ${candidates.join(', ')}); set CONFORMANCE_DIR`);
}
