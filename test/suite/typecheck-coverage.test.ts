// `npm run typecheck` checks every TypeScript file of the project: a file left
// outside tsconfig.json's `include` would never be type-checked, in CI or anywhere.
import { globSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/root.js';

const NOT_SOURCE = new Set(['node_modules', 'dist', '.tools', '.git']);

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (NOT_SOURCE.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return /\.(m|c)?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative(ROOT, path)] : [];
  });
}

/** The files tsconfig.json's `include` names: a folder means every TypeScript file below it. */
function checkedFiles(): string[] {
  const { include } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
  const patterns = include.flatMap((entry) => (/[*.]/.test(entry) ? [entry] : [`${entry}/**/*.ts`, `${entry}/**/*.mts`, `${entry}/**/*.cts`]));
  return globSync(patterns, { cwd: ROOT, exclude: (path: string) => path.split('/').some((part) => NOT_SOURCE.has(part)) });
}

describe('npm run typecheck', () => {
  it('covers every TypeScript file of src/, test/, stand-ins/, bench/ and scripts/', () => {
    const files = typeScriptFiles(ROOT);
    for (const folder of ['src/', 'test/', 'stand-ins/', 'bench/', 'scripts/']) {
      expect(files.some((file) => file.startsWith(folder)), folder).toBe(true);
    }
    const checked = new Set(checkedFiles());
    expect(files.filter((file) => !checked.has(file))).toEqual([]);
  });
});
