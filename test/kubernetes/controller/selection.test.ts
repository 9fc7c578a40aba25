import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector } from '../../../src/kubernetes/controller/label-selector.js';
import { matchesGlob, readSelection, selectsNamespace, selectsServiceAccount, type NamespaceSelection } from '../../../src/kubernetes/controller/selection.js';

const FIELD = 'targets[0].kubernetesSecret';

function selection(raw: Record<string, unknown>): NamespaceSelection {
  const read = readSelection({ name: 'ecr-pull', ...raw }, FIELD);
  expect(read.problems).toEqual([]);
  return read.selection!;
}

describe('name globs', () => {
  it.each([
    ['team-*', 'team-a', true],
    ['team-*', 'team-', true],
    ['team-*', 'teams', false],
    ['*', 'anything', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*-prod', 'payments-prod', true],
    ['*-prod', 'payments-prod-eu', false],
    ['agents', 'agents', true],
    ['agents', 'agents-2', false],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(matchesGlob(pattern, name)).toBe(expected);
  });
});

describe('label selectors in kubectl -l syntax', () => {
  const labels = { 'pipecat.ai/agents': 'true', env: 'prod', team: 'voice' };
  it.each([
    ['pipecat.ai/agents=true', true],
    ['pipecat.ai/agents==true', true],
    ['pipecat.ai/agents!=true', false],
    ['env in (prod,staging)', true],
    ['env in (staging)', false],
    ['env notin (prod)', false],
    ['missing notin (prod)', true],
    ['team', true],
    ['!team', false],
    ['!missing', true],
    ['pipecat.ai/agents=true,env in (prod, staging),!missing', true],
    ['pipecat.ai/agents=true,env=dev', false],
  ])('%s selects the namespace: %s', (text, expected) => {
    const parsed = parseLabelSelector(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(matchesLabels(parsed.requirements, labels)).toBe(expected);
  });

  it.each([
    ['env in (prod', 'unclosed'],
    ['env=prod,,team', 'empty requirement'],
    ['env = a b', 'not a label requirement'],
    ['Bad Key=1', 'not a label requirement'],
    ['-bad=1', 'not a label key'],
    ['env=-x', 'not a label value'],
    ['env in ()', 'empty set'],
    ['env > 3', 'not a label requirement'],
  ])('refuses %s', (text, words) => {
    const parsed = parseLabelSelector(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(words);
  });
});

describe('readSelection: which namespaces a cluster-wide target covers', () => {
  it('selects by names and globs, minus exclusions, which win', () => {
    const s = selection({ namespaces: ['agents', 'team-*'], excludeNamespaces: ['team-legacy'] });
    expect(['agents', 'team-a', 'team-legacy', 'other'].filter((name) => selectsNamespace(s, { name }))).toEqual(['agents', 'team-a']);
  });

  it('needs both the names and the label selector to match when both are given', () => {
    const s = selection({ namespaces: ['team-*'], namespaceSelector: 'pipecat.ai/agents=true' });
    expect(selectsNamespace(s, { name: 'team-a', labels: { 'pipecat.ai/agents': 'true' } })).toBe(true);
    expect(selectsNamespace(s, { name: 'team-a', labels: {} })).toBe(false);
    expect(selectsNamespace(s, { name: 'other', labels: { 'pipecat.ai/agents': 'true' } })).toBe(false);
  });

  it('"*" with exclusions selects every namespace but the excluded ones', () => {
    const s = selection({ namespaces: ['*'], excludeNamespaces: ['kube-*'] });
    expect(selectsNamespace(s, { name: 'default' })).toBe(true);
    expect(selectsNamespace(s, { name: 'kube-system' })).toBe(false);
  });

  it('prunes by default and patches only the ServiceAccounts named', () => {
    const s = selection({ namespaces: ['*'], serviceAccounts: ['default', 'agent-*'] });
    expect(s.prune).toBe(true);
    expect(['default', 'agent-1', 'builder'].filter((name) => selectsServiceAccount(s, name))).toEqual(['default', 'agent-1']);
    expect(selection({ namespaces: ['*'], prune: false }).prune).toBe(false);
  });

  it('reports every problem with its key and the fix', () => {
    const { problems, selection: none } = readSelection(
      { name: 'Bad_Name', namespaces: ['Team_*'], namespaceSelector: 'env in (prod', serviceAccounts: 'x y', prune: 'yes' },
      FIELD,
    );
    expect(none).toBeUndefined();
    expect(problems.map((p) => p.field).sort()).toEqual(
      [`${FIELD}.name`, `${FIELD}.namespaces[0]`, `${FIELD}.namespaceSelector`, `${FIELD}.serviceAccounts[0]`, `${FIELD}.prune`].sort(),
    );
    expect(problems.find((p) => p.field.endsWith('namespaces[0]'))!.message).toContain('e.g. "team-*"');
  });

  it('refuses namespace together with the selector keys, and a target that selects nothing', () => {
    expect(readSelection({ name: 'p', namespace: 'a', namespaces: ['b'] }, FIELD).problems[0]).toMatchObject({ field: `${FIELD}.namespace` });
    expect(readSelection({ name: 'p', excludeNamespaces: ['b'] }, FIELD).problems[0]).toMatchObject({
      field: `${FIELD}.namespaces`,
      message: expect.stringContaining('"*" for every namespace'),
    });
  });
});
