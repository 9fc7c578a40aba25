import { describe, expect, it } from 'vitest';
import { buildPullSecret } from '../../../src/kubernetes/pull-secret/build-pull-secret.js';
import { planNamespace, secretInSync, slimSecret, withEntry, withoutEntry, type ServiceAccountState } from '../../../src/kubernetes/controller/namespace-plan.js';
import { readSelection, type NamespaceSelection } from '../../../src/kubernetes/controller/selection.js';
import { registryEntryJson } from '../../../src/kubernetes/pull-secret/build-pull-secret.js';
import { testToken } from '../support/test-token.js';

const selection = (raw: Record<string, unknown>): NamespaceSelection => readSelection({ name: 'ecr-pull', ...raw }, 'k').selection!;
const team = selection({ namespaces: ['team-*'], serviceAccounts: ['default'] });
const ns = (name: string) => ({ name, labels: {}, terminating: false });
const account = (name: string, imagePullSecrets: string[], namespace = 'team-a'): ServiceAccountState => ({ namespace, name, resourceVersion: '7', imagePullSecrets });
const ownLabels = { 'app.kubernetes.io/managed-by': 'ecr-token-refresher', 'ecr-token-refresher.pipecat.ai/target': 'abc' };
const secretWith = (n: number, namespace = 'team-a') => ({ ...slimSecret({ ...buildPullSecret({ namespace, name: 'ecr-pull' }, testToken(n)), metadata: { name: 'ecr-pull', namespace, resourceVersion: '3', labels: ownLabels } }, ownLabels) });

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

describe('planNamespace: a Secret someone else manages', () => {
  const dockerHub = '"index.docker.io":{"auth":"aHViOmh1Yg=="}';
  /** The Secret as Helm keeps it: its own labels, Docker Hub's entry, and ours when `n` is given. */
  const helmSecret = (options: { n?: number; allowMerge?: boolean; namespace?: string; type?: string }) => {
    const entries = [dockerHub, ...(options.n === undefined ? [] : [`${JSON.stringify(testToken(options.n).registryHost)}:${registryEntryJson(testToken(options.n))}`])];
    return slimSecret(
      {
        metadata: {
          name: 'ecr-pull',
          namespace: options.namespace ?? 'team-a',
          resourceVersion: '9',
          labels: { 'app.kubernetes.io/managed-by': 'Helm' },
          annotations: options.allowMerge ? { 'ecr-token-refresher.pipecat.ai/allow-merge': 'true' } : {},
        },
        type: options.type ?? 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': Buffer.from(`{"auths":{${entries.join(',')}}}`).toString('base64') },
      },
      ownLabels,
    );
  };

  it('tells ours, one we may merge into, and one we may not apart', () => {
    expect(secretWith(1).standing).toBe('ours');
    expect(helmSecret({ n: 1, allowMerge: true }).standing).toBe('shared');
    expect(helmSecret({ n: 1 }).standing).toBe('refused');
    expect(helmSecret({ allowMerge: true, type: 'Opaque' }).standing).toBe('refused');
    // Made by another target with the same name: written into, never ours to prune.
    const otherTarget = { ...ownLabels, 'ecr-token-refresher.pipecat.ai/target': 'other' };
    expect(slimSecret({ ...buildPullSecret({ namespace: 'team-a', name: 'ecr-pull' }, testToken(1)), metadata: { name: 'ecr-pull', namespace: 'team-a', labels: otherTarget } }, ownLabels).standing).toBe('shared');
  });

  it('an opted-in Secret holding our current entry among others is in sync: nothing to write', () => {
    const secret = helmSecret({ n: 1, allowMerge: true });
    expect(secretInSync(secret, [testToken(1)])).toBe(true);
    expect(planNamespace({ selection: team, namespace: ns('team-a'), secret, serviceAccounts: [], tokens: [testToken(1)] })).toEqual([]);
  });

  it('an opted-in Secret without our entry, or with an old one, is merged into (read and merge, never a patch that replaces the document)', () => {
    for (const secret of [helmSecret({ allowMerge: true }), helmSecret({ n: 1, allowMerge: true })]) {
      expect(planNamespace({ selection: team, namespace: ns('team-a'), secret, serviceAccounts: [], tokens: [testToken(2)] })).toEqual([
        { kind: 'update-secret', patch: false, resourceVersion: '9' },
      ]);
    }
    // Even when it holds only our registry, it is not ours to replace whole.
    const onlyOurs = { ...helmSecret({ n: 1, allowMerge: true }), entries: { [testToken(1).registryHost]: 'old' } };
    expect(planNamespace({ selection: team, namespace: ns('team-a'), secret: onlyOurs, serviceAccounts: [], tokens: [testToken(1)] })).toEqual([
      { kind: 'update-secret', patch: false, resourceVersion: '9' },
    ]);
  });

  it('a Secret we may not write is never in sync: every pass tries it again, and the write refuses it with an Event', () => {
    const secret = helmSecret({ n: 1 });
    expect(secretInSync(secret, [testToken(1)])).toBe(false);
    expect(planNamespace({ selection: team, namespace: ns('team-a'), secret, serviceAccounts: [], tokens: [testToken(1)] })).toEqual([
      { kind: 'update-secret', patch: false, resourceVersion: '9' },
    ]);
  });

  it('a namespace that no longer matches keeps someone else\'s Secret as it is, with prune; only ours is deleted', () => {
    const account = { namespace: 'other', name: 'default', resourceVersion: '7', imagePullSecrets: ['ecr-pull'] };
    for (const secret of [helmSecret({ n: 1, allowMerge: true, namespace: 'other' }), helmSecret({ n: 1, namespace: 'other' })]) {
      expect(planNamespace({ selection: team, namespace: ns('other'), secret, serviceAccounts: [account], tokens: [testToken(1)] })).toEqual([
        { kind: 'patch-service-account', name: 'default', resourceVersion: '7', imagePullSecrets: [], adding: false },
      ]);
    }
  });

  it('keeps no credential of a merged Secret in the cache, neither ours nor the other registries\'', () => {
    const state = JSON.stringify(helmSecret({ n: 1, allowMerge: true }));
    expect(state).not.toContain(testToken(1).password);
    expect(state).not.toContain(testToken(1).authorizationToken);
    expect(state).not.toContain('aHViOmh1Yg==');
  });
});
