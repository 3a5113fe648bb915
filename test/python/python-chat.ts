// The report's pika chat (report-chat.py) run as a child process, for tests:
// what it prints, waiting for a line, typing a line, stopping it.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../chat/fixture.js';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'report-chat.py');

export class PythonChat {
  private output = '';
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(PYTHON, ['-u', SCRIPT, ...args]);
    this.child.stdout.on('data', (d) => (this.output += d));
    this.child.stderr.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  lines(): string[] {
    return this.output.split('\n');
  }

  waitForLine(line: string, timeoutMs = 15_000) {
    return eventually(
      `"${line}" from the pika program (output so far: ${JSON.stringify(this.output.slice(-500))})`,
      () => this.lines().includes(line),
      timeoutMs,
    );
  }

  type(text: string): void {
    this.child.stdin.write(`${text}\n`);
  }

  async stop(): Promise<number | null> {
    this.child.stdin.end(); // end of input: the program closes its connection and exits
    const timer = setTimeout(() => this.child.kill(), 5000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
