import { describe, expect, it } from 'vitest';
import { buildPullSecret } from '../../../src/kubernetes/pull-secret/build-pull-secret.js';
import { planNamespace, slimSecret, withEntry, withoutEntry, type ServiceAccountState } from '../../../src/kubernetes/controller/namespace-plan.js';
import { readSelection, type NamespaceSelection } from '../../../src/kubernetes/controller/selection.js';
import { testToken } from '../support/test-token.js';

const selection = (raw: Record<string, unknown>): NamespaceSelection => readSelection({ name: 'ecr-pull', ...raw }, 'k').selection!;
const team = selection({ namespaces: ['team-*'], serviceAccounts: ['default'] });
const ns = (name: string) => ({ name, labels: {}, terminating: false });
const account = (name: string, imagePullSecrets: string[], namespace = 'team-a'): ServiceAccountState => ({ namespace, name, resourceVersion: '7', imagePullSecrets });
const secretWith = (n: number, namespace = 'team-a') => ({ ...slimSecret({ ...buildPullSecret({ namespace, name: 'ecr-pull' }, testToken(n)), metadata: { name: 'ecr-pull', namespace, resourceVersion: '3' } }) });

describe('planNamespace: what one namespace needs, from the cache alone', () => {
  it('a selected namespace without the Secret gets it, and matching ServiceAccounts get our entry after theirs', () => {
    expect(planNamespace({ selection: team, namespace: ns('team-a'), secret: undefined, serviceAccounts: [account('default', ['a', 'b']), account('builder', [])], tokens: [testToken(1)] })).toEqual([
      { kind: 'create-secret' },
      { kind: 'patch-service-account', name: 'default', resourceVersion: '7', imagePullSecrets: ['a', 'b', 'ecr-pull'], adding: true },
    ]);
  });

  it('nothing to do when the Secret holds the token and the entry is there: idempotent', () => {
    expect(planNamespace({ selection: team, namespace: ns('team-a'), secret: secretWith(1), serviceAccounts: [account('default', ['a', 'ecr-pull', 'b'])], tokens: [testToken(1)] })).toEqual([]);
  });

  it('a Secret with another token is updated by a conditional merge patch when it holds only our registry', () => {
    expect(planNamespace({ selection: team, namespace: ns('team-a'), secret: secretWith(1), serviceAccounts: [], tokens: [testToken(2)] })).toEqual([
      { kind: 'update-secret', patch: true, resourceVersion: '3' },
    ]);
    const shared = { ...secretWith(1), entries: { ...secretWith(1).entries, 'index.docker.io': 'x' } };
    expect(planNamespace({ selection: team, namespace: ns('team-a'), secret: shared, serviceAccounts: [], tokens: [testToken(2)] })).toEqual([
      { kind: 'update-secret', patch: false, resourceVersion: '3' },
    ]);
  });

  it('without a valid token writes no Secret but still patches ServiceAccounts', () => {
    expect(planNamespace({ selection: team, namespace: ns('team-a'), secret: undefined, serviceAccounts: [account('default', [])], tokens: undefined }).map((w) => w.kind)).toEqual(['patch-service-account']);
  });

  it('a namespace that no longer matches loses the Secret and only our entry; with prune: false it keeps both', () => {
    const leftovers = { namespace: ns('other'), secret: secretWith(1, 'other'), serviceAccounts: [account('default', ['a', 'ecr-pull', 'b'], 'other')], tokens: [testToken(1)] };
    expect(planNamespace({ selection: team, ...leftovers })).toEqual([
      { kind: 'delete-secret', resourceVersion: '3' },
      { kind: 'patch-service-account', name: 'default', resourceVersion: '7', imagePullSecrets: ['a', 'b'], adding: false },
    ]);
    expect(planNamespace({ selection: selection({ namespaces: ['team-*'], prune: false }), ...leftovers })).toEqual([]);
  });

  it('leaves a terminating or unknown namespace alone', () => {
    expect(planNamespace({ selection: team, namespace: { ...ns('team-a'), terminating: true }, secret: undefined, serviceAccounts: [], tokens: [testToken(1)] })).toEqual([]);
    expect(planNamespace({ selection: team, namespace: undefined, secret: undefined, serviceAccounts: [], tokens: [testToken(1)] })).toEqual([]);
  });

  it('adds our entry once and removes every copy, keeping the order of the others', () => {
    expect(withEntry(['a', 'ecr-pull'], 'ecr-pull')).toEqual(['a', 'ecr-pull']);
    expect(withEntry(['a'], 'ecr-pull')).toEqual(['a', 'ecr-pull']);
    expect(withoutEntry(['ecr-pull', 'a', 'ecr-pull', 'b'], 'ecr-pull')).toEqual(['a', 'b']);
  });

  it('keeps no credential in the cache: only digests of the entries', () => {
    const state = secretWith(1);
    expect(JSON.stringify(state)).not.toContain(testToken(1).password);
    expect(JSON.stringify(state)).not.toContain(testToken(1).authorizationToken);
  });
});
