// rabbitmqctl from tests: to list what is left on the broker and to close one
// connection by its name (never close_all_connections: other test runs on the
// machine share this broker).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 30_000 });
  return stdout;
}

/**
 * rabbitmqctl reading `input` on its standard input (import_definitions -):
 * rabbitmqctl runs as the rabbitmq user, who cannot read a file in a private
 * (0700) home folder, where a clone of this project may well be.
 */
export function rabbitmqctlWithInput(input: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('rabbitmqctl', ['-q', ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`rabbitmqctl ${args.join(' ')}: exit ${code}: ${stderr.trim()}`)),
    );
    child.stdin.end(input);
  });
}

/** Names of one column listed by `rabbitmqctl list_queues name` / `list_exchanges name` (header line dropped). */
export async function listNames(what: 'queues' | 'exchanges' | 'vhosts'): Promise<string[]> {
  const out = await rabbitmqctl(`list_${what}`, 'name');
  return out
    .split('\n')
    .slice(1)
    .filter((line) => line !== '');
}

/** Closes (broker side, 320 CONNECTION_FORCED) the connection whose client named itself `connectionName`. */
export async function closeConnectionNamed(connectionName: string): Promise<void> {
  const out = await rabbitmqctl('list_connections', 'pid', 'client_properties');
  const line = out.split('\n').find((l) => l.includes(`{"connection_name","${connectionName}"}`));
  const pid = line?.split('\t')[0];
  if (!pid) throw new Error(`no connection named ${connectionName} on the broker`);
  await rabbitmqctl('close_connection', pid, 'closed by a test');
}
