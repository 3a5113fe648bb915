// Where the recorded conformance cases live: test/conformance/ in this
// repository (recorded from RabbitMQ 3.10.8, see its README), or CONFORMANCE_DIR
// to replay another set recorded the same way.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export function conformanceDir(): string {
  const dir = process.env.CONFORMANCE_DIR ?? path.resolve(here, '../conformance');
  if (!existsSync(path.join(dir, 'cases'))) throw new Error(`conformance cases not found in ${dir} (CONFORMANCE_DIR)`);
  return dir;
}
