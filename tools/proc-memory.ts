// Resident memory of a process, from Linux's /proc/<pid>/status:
// VmRSS (now) and VmHWM (the peak, "high water mark").
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';

export interface Rss {
  rssMb: number;
  peakMb: number;
}

export function readRss(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(m[1]) / 1024;
  };
  return { rssMb: kb('VmRSS'), peakMb: kb('VmHWM') };
}

/**
 * The baseline for the server's idle memory: a bare Node process (`npm start`
 * runs compiled JavaScript on plain node) doing nothing, measured after `settleMs`.
 */
export async function bareNodeRss(settleMs = 1000): Promise<Rss> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return readRss(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}
