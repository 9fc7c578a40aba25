// CPU time and memory of a running process, from /proc (Linux).
import { readFileSync } from 'node:fs';

export interface ProcStats {
  /** utime + stime, in clock ticks (USER_HZ, 100 a second on Linux). */
  cpuTicks: number;
  /** Resident set now, and its peak (VmHWM), in KiB. */
  rssKb: number;
  peakRssKb: number;
}

export function readProcStats(pid: number): ProcStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name, which may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { cpuTicks: utime + stime, rssKb: kb('VmRSS'), peakRssKb: kb('VmHWM') };
}
