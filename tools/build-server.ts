// `npm run build`: the server compiled to dist/, as `npm start` runs it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function buildServer(): void {
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/@typescript/native/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
