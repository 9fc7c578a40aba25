// Reads the static import graph of the project's own TypeScript: from one file,
// every project file it reaches through relative imports (static, `export ...
// from` and `import()` with a literal path) and every package or Node built-in
// those files name. What a test file reaches decides which tier it may run in.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { transformSync } from 'esbuild';

export interface ImportClosure {
  /** Project files reached, as paths relative to the root, the start file included. */
  files: string[];
  /** Bare specifiers (packages and built-ins) named anywhere in those files, with the file naming each. */
  packages: Array<{ specifier: string; from: string }>;
}

/**
 * The specifiers one file names at run time. esbuild compiles the file the way
 * the build does, dropping `import type`, `export type` and imports used only as
 * types (they vanish); its output prints every remaining import in one form.
 */
export function specifiersIn(fileName: string, source: string): string[] {
  const { code } = transformSync(source, { loader: fileName.endsWith('.js') || fileName.endsWith('.mjs') ? 'js' : 'ts', format: 'esm', sourcefile: fileName });
  const found: string[] = [];
  for (const match of code.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"|^\s*import\s*"([^"]+)"/gm)) found.push((match[1] ?? match[2])!);
  for (const match of code.matchAll(/\bimport\(\s*([^)]*?)\s*\)/g)) {
    const literal = /^"([^"]+)"$/.exec(match[1]!);
    found.push(literal ? literal[1]! : '<computed import()>');
  }
  return found;
}

function resolveLocal(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && !candidate.endsWith('/')) return candidate;
  }
  throw new Error(`${fromFile}: cannot resolve import '${specifier}'`);
}

/** Everything `start` reaches through the project's own files. */
export function importClosure(root: string, start: string): ImportClosure {
  const seen = new Set<string>();
  const packages: ImportClosure['packages'] = [];
  const queue = [resolve(root, start)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.(ts|mts|js|mjs)$/.test(file)) continue;
    for (const specifier of specifiersIn(file, readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) queue.push(resolveLocal(file, specifier));
      else packages.push({ specifier, from: relative(root, file) });
    }
  }
  return { files: [...seen].map((file) => relative(root, file)).sort(), packages };
}
