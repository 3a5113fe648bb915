// Runs one of the RabbitMQ tutorials as amqplib ships them
// (node_modules/amqplib/examples/tutorials), pointed at another URL than the
// hard-coded amqp://localhost when asked: the one line changed, nothing else.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const amqplibDir = path.dirname(require.resolve('amqplib'));
export const TUTORIALS_DIR = path.join(amqplibDir, 'examples', 'tutorials');

export interface Program {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the output matches (or rejects after timeoutMs). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Writes a line to the program's stdin. */
  send(line: string): void;
  stop(): Promise<void>;
}

export function runTutorial(file: string, args: string[], url?: string): Program {
  let script = path.join(TUTORIALS_DIR, file);
  if (url) {
    const source = readFileSync(script, 'utf8')
      .replaceAll("'amqp://localhost'", JSON.stringify(url))
      .replaceAll("require('../..')", `require(${JSON.stringify(amqplibDir)})`)
      .replaceAll("require('amqplib')", `require(${JSON.stringify(amqplibDir)})`);
    script = path.join(mkdtempSync(path.join(tmpdir(), 'tutorial-')), file.replace(/\.js$/, '.cjs'));
    writeFileSync(script, source);
  }
  return runProgram([process.execPath, script, ...args], `${file} ${args.join(' ')}`);
}

/** Any program (a tutorial, a pika script, either inside `ip netns exec`), its output watched. stdin stays open for send(). */
export function runProgram(command: string[], label = command.join(' ')): Program {
  const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(output);
          if (!m) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(m[0]);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${label}: no ${pattern} in ${timeoutMs} ms; it printed:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    send: (line) => {
      child.stdin.write(`${line}\n`);
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
