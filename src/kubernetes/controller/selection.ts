// Which namespaces and ServiceAccounts a cluster-wide pull Secret target
// covers, read from its `kubernetesSecret:` mapping and checked whole before
// any request: `namespaces` (names or globs), `namespaceSelector` (a kubectl
// -l label selector), `excludeNamespaces` (names or globs, winning over both),
// `serviceAccounts` (names or globs whose imagePullSecrets get our Secret) and
// `prune`. A namespace is selected when it matches every selector given and
// no exclusion. Name patterns: `*` stands for any run of characters (also
// none), `?` for one, everything else matches itself; a pattern may only hold
// the characters of a DNS name and the two wildcards, since anything else
// could never match: a typo to report at start-up, not a target that
// silently selects nothing.
import type { ConfigProblem } from '../../config/config-error.js';
import { validateDnsName } from '../../config/validate-dns-name.js';
import { matchesLabels, parseLabelSelector, type LabelRequirement } from './label-selector.js';

export interface NamespaceSelection {
  /** The Secret's name in every selected namespace. */
  name: string;
  namespaces?: string[];
  namespaceSelector?: { text: string; requirements: LabelRequirement[] };
  excludeNamespaces: string[];
  serviceAccounts: string[];
  /** Remove what we made from a namespace that stops matching (default true). */
  prune: boolean;
}

/** The keys that make a `kubernetesSecret:` mapping cluster-wide. */
export const SELECTION_KEYS = ['namespaces', 'namespaceSelector', 'excludeNamespaces', 'serviceAccounts', 'prune'] as const;

export function isSelectionForm(raw: unknown): raw is Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) && SELECTION_KEYS.some((key) => key in (raw as object));
}

/** Reads the mapping; `field` is the key path of `kubernetesSecret` for the problems. */
export function readSelection(raw: Record<string, unknown>, field: string): { selection?: NamespaceSelection; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const at = (key: string) => `${field}.${key}`;
  // Unknown keys are reported by the configuration loader, with the others of the file.
  const name = typeof raw.name === 'string' ? raw.name.trim() : undefined;
  if (name === undefined) problems.push({ field: at('name'), message: 'required: the name of the pull Secret in every selected namespace, e.g. name: ecr-pull' });
  else {
    const problem = validateDnsName(name, 'subdomain');
    if (problem) problems.push({ field: at('name'), message: problem });
  }
  const namespaces = readPatterns(raw.namespaces, at('namespaces'), problems);
  const excludeNamespaces = readPatterns(raw.excludeNamespaces, at('excludeNamespaces'), problems) ?? [];
  const serviceAccounts = readPatterns(raw.serviceAccounts, at('serviceAccounts'), problems) ?? [];
  const namespaceSelector = readSelector(raw.namespaceSelector, at('namespaceSelector'), problems);
  if ('namespace' in raw && (raw.namespaces !== undefined || raw.namespaceSelector !== undefined || raw.excludeNamespaces !== undefined)) {
    problems.push({
      field: at('namespace'),
      message: 'cannot be combined with namespaces, namespaceSelector or excludeNamespaces: keep namespace for one namespace, or list it under namespaces',
    });
  }
  const single = typeof raw.namespace === 'string' ? raw.namespace.trim() : undefined;
  if (single !== undefined) {
    const problem = validateDnsName(single, 'label');
    if (problem) problems.push({ field: at('namespace'), message: problem });
  }
  if (!('namespace' in raw) && raw.namespaces === undefined && raw.namespaceSelector === undefined) {
    problems.push({
      field: at('namespaces'),
      message: 'required: say which namespaces get the Secret, with namespaces (names or globs; "*" for every namespace) and/or namespaceSelector (a label selector)',
    });
  }
  if (raw.prune !== undefined && typeof raw.prune !== 'boolean') problems.push({ field: at('prune'), message: 'must be true or false' });
  if (problems.length > 0 || name === undefined) return { problems };
  return {
    problems,
    selection: {
      name,
      ...(single !== undefined ? { namespaces: [single] } : namespaces && { namespaces }),
      ...(namespaceSelector && { namespaceSelector }),
      excludeNamespaces,
      serviceAccounts,
      prune: raw.prune !== false,
    },
  };
}

export function selectsNamespace(selection: NamespaceSelection, namespace: { name: string; labels?: Readonly<Record<string, string>> }): boolean {
  if (matchesAnyGlob(selection.excludeNamespaces, namespace.name)) return false;
  if (selection.namespaces && !matchesAnyGlob(selection.namespaces, namespace.name)) return false;
  if (selection.namespaceSelector && !matchesLabels(selection.namespaceSelector.requirements, namespace.labels)) return false;
  return true;
}

export function selectsServiceAccount(selection: NamespaceSelection, name: string): boolean {
  return matchesAnyGlob(selection.serviceAccounts, name);
}

/** The namespaces themselves when they are plain names and no label selector is given: known without listing them. */
export function fixedNamespaces(selection: NamespaceSelection): string[] | undefined {
  if (selection.namespaceSelector || !selection.namespaces?.every((name) => !/[*?]/.test(name))) return undefined;
  return selection.namespaces;
}

/** The target's name in logs and metrics: the Secret's name and what selects its namespaces. */
export function describeSelection(selection: NamespaceSelection): string {
  const parts = [
    ...(selection.namespaces ? [selection.namespaces.join(',')] : []),
    ...(selection.namespaceSelector ? [`-l ${selection.namespaceSelector.text}`] : []),
  ];
  return `[${parts.join(' ')}]/${selection.name}`;
}

function readPatterns(raw: unknown, field: string, problems: ConfigProblem[]): string[] | undefined {
  if (raw === undefined) return undefined;
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0 || list.some((item) => typeof item !== 'string')) {
    problems.push({ field, message: 'must be a list of names or globs, e.g. [agents, "team-*"]' });
    return undefined;
  }
  const patterns = (list as string[]).map((item) => item.trim());
  for (const [index, pattern] of patterns.entries()) {
    const problem = globProblem(pattern);
    if (problem) problems.push({ field: `${field}[${index}]`, message: problem });
  }
  return patterns;
}

function readSelector(raw: unknown, field: string, problems: ConfigProblem[]): NamespaceSelection['namespaceSelector'] {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !raw.trim()) {
    problems.push({ field, message: 'must be a label selector in kubectl -l syntax, e.g. "pipecat.ai/agents=true,env in (prod,staging)"' });
    return undefined;
  }
  const parsed = parseLabelSelector(raw.trim());
  if (!parsed.ok) {
    problems.push({ field, message: parsed.problem });
    return undefined;
  }
  return { text: raw.trim(), requirements: parsed.requirements };
}

// --- name patterns ---
const PATTERN = /^[a-z0-9.*?-]+$/;

/** Undefined when `pattern` is usable, otherwise what is wrong with it and the fix. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.length > 253) return `${JSON.stringify(pattern.slice(0, 40))}… is longer than any name (253 characters)`;
  if (PATTERN.test(pattern)) return undefined;
  return `${JSON.stringify(pattern)} is not a name pattern: use lowercase letters, digits, '-' and '.', with * for any run of characters and ? for one (e.g. "team-*")`;
}

export function matchesGlob(pattern: string, name: string): boolean {
  // Iterative wildcard match: linear in practice, no regular expression built from input.
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (star !== -1) {
      p = star + 1;
      n = ++resume;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export function matchesAnyGlob(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => matchesGlob(pattern, name));
}
