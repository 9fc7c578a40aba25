// Label selectors in the syntax of `kubectl get -l`: requirements joined by
// commas, each `key=value`, `key==value`, `key!=value`, `key in (a,b)`,
// `key notin (a,b)`, `key` (the label exists) or `!key` (it does not). Parsed
// once at start-up, so a selector the API server would refuse is a
// configuration error before any request, and matched here against the
// labels the namespace watch delivers.
export type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

const NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const KEY = new RegExp(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?${NAME}$`);
const VALUE = new RegExp(`^(${NAME})?$`);
const FORMS = 'key=value, key!=value, key in (a,b), key notin (a,b), key or !key, joined by commas';

export type ParsedSelector = { ok: true; requirements: LabelRequirement[] } | { ok: false; problem: string };

export function parseLabelSelector(text: string): ParsedSelector {
  const parts = splitTopLevel(text);
  if (parts === undefined) return { ok: false, problem: `${JSON.stringify(text)} has an unclosed "(": write the values as key in (a,b)` };
  const requirements: LabelRequirement[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) return { ok: false, problem: `${JSON.stringify(text)} has an empty requirement (two commas, or one at an end): ${FORMS}` };
    const parsed = parseRequirement(part);
    if (typeof parsed === 'string') return { ok: false, problem: `${JSON.stringify(part)} ${parsed}` };
    requirements.push(parsed);
  }
  return { ok: true, requirements };
}

export function matchesLabels(requirements: readonly LabelRequirement[], labels: Readonly<Record<string, string>> | undefined): boolean {
  return requirements.every((r) => {
    const value = labels?.[r.key];
    switch (r.op) {
      case 'exists':
        return value !== undefined;
      case 'notexists':
        return value === undefined;
      case 'in':
        return value !== undefined && r.values.includes(value);
      case 'notin':
        // As in Kubernetes: a missing label is "not in" any set.
        return value === undefined || !r.values.includes(value);
    }
  });
}

function parseRequirement(part: string): LabelRequirement | string {
  let match = /^!\s*(\S+)$/.exec(part);
  if (match) return keyed(match[1]!, (key) => ({ key, op: 'notexists' }));
  match = /^([^\s!=(),]+)\s*(==|!=|=)\s*([^\s!=(),]*)$/.exec(part);
  if (match) {
    const [, key, op, value] = match as unknown as [string, string, string, string];
    if (!VALUE.test(value)) return `has the value ${JSON.stringify(value)}, which is not a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`;
    return keyed(key, (k) => ({ key: k, op: op === '!=' ? 'notin' : 'in', values: [value] }));
  }
  match = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
  if (match) {
    const [, key, op, list] = match as unknown as [string, string, 'in' | 'notin', string];
    const values = list.split(',').map((v) => v.trim());
    const bad = values.find((v) => !VALUE.test(v));
    if (bad !== undefined) return `has the value ${JSON.stringify(bad)} in its set, which is not a label value`;
    if (values.length === 1 && values[0] === '') return `has an empty set: list at least one value, as in ${key} ${op} (a,b)`;
    return keyed(key, (k) => ({ key: k, op, values }));
  }
  if (/^\S+$/.test(part) && !/[=!()]/.test(part)) return keyed(part, (key) => ({ key, op: 'exists' }));
  return `is not a label requirement: use ${FORMS}`;
}

function keyed(key: string, build: (key: string) => LabelRequirement): LabelRequirement | string {
  if (KEY.test(key) && key.length <= 317) return build(key);
  return `has the key ${JSON.stringify(key)}, which is not a label key (an optional DNS prefix and "/", then at most 63 letters, digits, '-', '_' or '.')`;
}

/** Splits on commas outside parentheses; undefined when a parenthesis is left open. */
function splitTopLevel(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth = Math.max(0, depth - 1);
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  parts.push(text.slice(start));
  return parts;
}
