// A process's memory cgroup as Kubernetes counts it: the working set, usage
// minus inactive file pages (what the kubelet compares with a memory limit and
// what `kubectl top` shows). cgroup v2 and v1 both.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CgroupMemory {
  usageBytes: number;
  workingSetBytes: number;
  anonBytes: number;
  fileBytes: number;
}

function statField(stat: string, names: string[]): number {
  for (const name of names) {
    const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(stat);
    if (match) return Number(match[1]);
  }
  throw new Error(`memory.stat has none of ${names.join(', ')}`);
}

export function readCgroupMemory(pid: number): CgroupMemory {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const v1 = lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l));
  if (v1) {
    const dir = join('/sys/fs/cgroup/memory', v1.slice(v1.lastIndexOf(':') + 1));
    const stat = readFileSync(join(dir, 'memory.stat'), 'utf8');
    const usageBytes = Number(readFileSync(join(dir, 'memory.usage_in_bytes'), 'utf8'));
    const inactive = statField(stat, ['total_inactive_file', 'inactive_file']);
    return { usageBytes, workingSetBytes: usageBytes - inactive, anonBytes: statField(stat, ['total_rss', 'rss']), fileBytes: statField(stat, ['total_cache', 'cache']) };
  }
  const v2 = lines.find((l) => l.startsWith('0::'));
  const dir = v2 ? join('/sys/fs/cgroup', v2.slice(3)) : '';
  if (!v2 || !existsSync(join(dir, 'memory.current'))) throw new Error(`no memory cgroup found for pid ${pid}`);
  const stat = readFileSync(join(dir, 'memory.stat'), 'utf8');
  const usageBytes = Number(readFileSync(join(dir, 'memory.current'), 'utf8'));
  return { usageBytes, workingSetBytes: usageBytes - statField(stat, ['inactive_file']), anonBytes: statField(stat, ['anon']), fileBytes: statField(stat, ['file']) };
}
