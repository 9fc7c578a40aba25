// `npm run typecheck` checks every TypeScript file of the project: a file left
// outside tsconfig.json's `include` would never be type-checked, in CI or anywhere.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
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

function checkedFiles(): string[] {
  const configFile = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  return parsed.fileNames.map((file) => relative(ROOT, file));
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
