// Builds the chart values table of docs/helm-values.md from values.yaml: every key documented with a helm-docs
// style `# --` comment (continued on the following `#` lines) becomes a row with its default.
import { parse } from 'yaml';

export interface ValueDoc {
  key: string;
  default: unknown;
  description: string;
}

export function documentedValues(valuesYaml: string): ValueDoc[] {
  const values = parse(valuesYaml) as Record<string, unknown>;
  const docs: ValueDoc[] = [];
  const stack: { indent: number; key: string }[] = [];
  let pending: string[] | undefined;
  for (const line of valuesYaml.split('\n')) {
    const start = /^\s*# -- (.*)$/.exec(line);
    if (start) {
      pending = [start[1]!.trim()];
      continue;
    }
    const more = /^\s*# ?(.*)$/.exec(line);
    if (more) {
      if (pending) pending.push(more[1]!.trim());
      continue;
    }
    const key = /^(\s*)([A-Za-z0-9_]+):/.exec(line);
    if (!key) continue;
    const indent = key[1]!.length;
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    stack.push({ indent, key: key[2]! });
    if (pending) {
      const path = stack.map((entry) => entry.key);
      docs.push({ key: path.join('.'), default: lookup(values, path), description: pending.join(' ') });
      pending = undefined;
    }
  }
  return docs;
}

function lookup(values: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function valuesTable(valuesYaml: string): string {
  const rows = documentedValues(valuesYaml).map(
    (doc) => `| \`${doc.key}\` | \`${cell(JSON.stringify(doc.default))}\` | ${cell(doc.description)} |`,
  );
  return ['| key | default | description |', '|---|---|---|', ...rows].join('\n');
}
