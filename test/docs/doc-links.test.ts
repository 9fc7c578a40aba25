// A reader following a link in README.md or docs/*.md lands somewhere: every
// relative link names a file that exists and, with a #fragment, a heading of
// that file (GitHub's anchors). Web links are out of scope (no network).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownAnchors } from '../alerts/support/github-anchor.js';
import { ROOT } from '../support/root.js';

const DOCS = [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f))];

/** Inline Markdown links `[text](target)` outside fenced code and inline code. */
export function markdownLinks(markdown: string): string[] {
  const links: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push(m[1]!);
  }
  return links;
}

function problemsIn(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const problems: string[] = [];
  for (const link of markdownLinks(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
    const [path, fragment] = link.split('#') as [string, string | undefined];
    const target = path === '' ? file : join(dirname(file), decodeURIComponent(path));
    if (!existsSync(target)) {
      problems.push(`${link}: no such file`);
      continue;
    }
    if (fragment === undefined) continue;
    if (statSync(target).isDirectory() || !target.endsWith('.md')) {
      problems.push(`${link}: an anchor into a file that has no headings`);
      continue;
    }
    if (!markdownAnchors(readFileSync(target, 'utf8')).includes(fragment)) problems.push(`${link}: no heading with that anchor`);
  }
  return problems;
}

describe('links in the documentation', () => {
  it('finds the README and the docs', () => {
    expect(DOCS.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['README.md', 'docs/alerts.md', 'docs/development.md']));
  });

  it.each(DOCS.map((f) => [relative(ROOT, f), f]))('%s: every relative link and anchor resolves', (_name, file) => {
    expect(problemsIn(file)).toEqual([]);
  });

  it('reads links the way GitHub renders them', () => {
    const text = ['[a](x.md#b) and `[not](code.md)`', '```', '[fenced](nope.md)', '```', '[web](https://example.com) [t](y.md "title")'].join('\n');
    expect(markdownLinks(text)).toEqual(['x.md#b', 'https://example.com', 'y.md']);
  });
});
