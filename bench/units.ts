// How the benchmark table writes its figures. Resident sets (from /proc and
// GNU time, in KiB) read in MiB; container and image sizes (bytes) in MB, as
// podman and Kubernetes print them.
import type { Summary } from './summarize.js';

export const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;
export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
export const ratio = (x: number) => `${x.toFixed(2)}×`;
export const spread = (x: Summary, unit: (v: number) => string) => `${unit(x.median)} (${unit(x.min)}–${unit(x.max)}, n=${x.runs})`;
export const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
