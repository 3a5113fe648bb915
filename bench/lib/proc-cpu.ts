// CPU time a process has used so far, from Linux's /proc/<pid>/stat (utime +
// stime, fields 14 and 15, in clock ticks of 1/100 s): divided by the work
// done in between, it says whether a latency tail is the code's own cost or
// waiting for a CPU on a busy machine.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, `getconf CLK_TCK` on Linux

export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
