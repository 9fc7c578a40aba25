// ARCHITECTURE.md cannot drift from the tree silently: every path of src/ it
// names exists, every folder its diagram draws is a folder of src/, and every
// top-level folder and file of src/ is named on the page.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/root.js';

const page = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
const diagram = /^```\n([\s\S]*?)^```$/m.exec(page)?.[1] ?? '';

/** `src/...` paths the page names in backticks, without a trailing slash. */
function namedPaths(text: string): string[] {
  return [...new Set([...text.matchAll(/`(src\/[\w./-]*?)\/?`/g)].map((m) => m[1]!))];
}

/** The `name/` folders the diagram draws. */
function diagramFolders(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<![\w./-])([a-z][\w-]*)\/(?![\w])/g)].map((m) => m[1]!))];
}

describe('ARCHITECTURE.md', () => {
  it('names only paths of src/ that exist', () => {
    const named = namedPaths(page);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('draws only folders that exist in src/', () => {
    const drawn = diagramFolders(diagram);
    expect(drawn.length).toBeGreaterThan(5);
    expect(drawn.filter((folder) => !existsSync(join(ROOT, 'src', folder)) || !statSync(join(ROOT, 'src', folder)).isDirectory())).toEqual([]);
  });

  it('names every top-level folder and file of src/, in its table and its diagram', () => {
    const named = new Set(namedPaths(page));
    const drawn = new Set(diagramFolders(diagram));
    const entries = readdirSync(join(ROOT, 'src'), { withFileTypes: true });
    const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    const files = entries.filter((e) => e.isFile()).map((e) => e.name);
    expect(folders.filter((folder) => !named.has(`src/${folder}`))).toEqual([]);
    expect(folders.filter((folder) => !drawn.has(folder))).toEqual([]);
    expect(files.filter((file) => !named.has(`src/${file}`) || !diagram.includes(file))).toEqual([]);
  });

  it('reads paths and drawn folders the way the checks above rely on', () => {
    expect(namedPaths('see `src/http/` and `src/config/schema.ts`, not src/x')).toEqual(['src/http', 'src/config/schema.ts']);
    expect(diagramFolders('cli.ts ──► drivers/ (when) └► sink/ src/x.ts a/b')).toEqual(['drivers', 'sink']);
  });
});
