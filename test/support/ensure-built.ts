// Makes sure dist/cli.js (the one-file bundle) is built from the current sources, so end-to-end
// tests run the program exactly as users do (`node dist/cli.js`). Rebuilds
// only when a file under src/ (or the package/tsconfig files) is newer than
// the build; a lock directory keeps parallel test files from building at once.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './root.js';

// Re-exported for the files that take both from here.
export { ROOT };
export const CLI = join(ROOT, 'dist', 'cli.js');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function isStale(): boolean {
  let built: number;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    return true;
  }
  const sources = ['src', 'package.json', 'tsconfig.json', join('scripts', 'bundle.mjs')].map((p) => newestMtime(join(ROOT, p)));
  return Math.max(...sources) > built;
}

async function withLock<T>(fn: () => T, timeoutMs: number): Promise<T> {
  const lock = join(tmpdir(), `ecr-token-refresher-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the timeout was left by a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > timeoutMs) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for another build to finish (${lock})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Returns the path of dist/cli.js, building it first when it is missing or older than the sources. */
export async function ensureBuilt(timeoutMs = 120_000): Promise<string> {
  if (!isStale()) return CLI;
  return withLock(() => {
    if (!isStale()) return CLI;
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    if (result.status !== 0) {
      throw new Error(`npm run build failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    }
    return CLI;
  }, timeoutMs);
}
