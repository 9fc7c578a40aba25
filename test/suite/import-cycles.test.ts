// No module of src/ reaches itself through its imports, type imports included:
// a cycle means two files hold one idea between them (or a type sits in the
// wrong one), and a reader cannot read either top to bottom.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/root.js';

/** Every relative specifier a file names: imports, `import type`, re-exports and literal `import()`. */
export function relativeSpecifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*['"](\.[^'"]+)['"]|^\s*import\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/gm)) {
    found.push((match[1] ?? match[2] ?? match[3])!);
  }
  return found;
}

/** The strongly connected groups of more than one file (or a file importing itself), each sorted. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(group.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function srcGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const targets = relativeSpecifiers(readFileSync(file, 'utf8')).map((specifier) => relative(ROOT, resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))));
    graph.set(relative(ROOT, file), targets);
  }
  return graph;
}

describe('import cycles', () => {
  it('finds none among the modules of src/, counting type imports', () => {
    expect(importCycles(srcGraph())).toEqual([]);
  });

  it('would report two files that import each other, and a longer ring, but not a diamond', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['a', 'c']],
      ['c', []],
      ['d', ['e', 'f']],
      ['e', ['g']],
      ['f', ['g']],
      ['g', ['h']],
      ['h', ['i']],
      ['i', ['g']],
    ]);
    expect(importCycles(graph)).toEqual([['a', 'b'], ['g', 'h', 'i']]);
  });

  it('reads type imports, re-exports and literal dynamic imports as edges', () => {
    const source = [
      "import type { A } from './a.js';",
      "import {\n  b,\n  type B,\n} from '../b.js';",
      "export { c } from './c.js';",
      "import './side-effect.js';",
      "const d = await import('./d.js');",
      "import { z } from 'undici';",
    ].join('\n');
    expect(relativeSpecifiers(source)).toEqual(['./a.js', '../b.js', './c.js', './side-effect.js', './d.js']);
  });
});
