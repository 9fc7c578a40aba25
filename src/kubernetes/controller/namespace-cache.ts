// What a cluster-wide target knows of the cluster, kept by its reflectors:
// the namespaces (only the labels its selector reads), the Secrets of the
// target's name (by name, not by our label, so one we merge into is seen as
// well as ours; each kept slim, with whose it is) and, when it patches
// ServiceAccounts, those (indexed by namespace,
// so one namespace's plan does not scan the cluster's). With plain namespace
// names the namespaces are not listed, and Secrets and ServiceAccounts are
// watched in each of those namespaces only (a Role in each suffices). Every
// change is reported with the namespace it touches.
import type { Logger } from 'pino';
import type { Timers } from '../../schedule/clock.js';
import type { KubeWatchClient } from '../api/create-kube-client.js';
import { MANAGED_BY_LABEL, MANAGER_NAME, type SecretObject } from '../pull-secret/build-pull-secret.js';
import { slimNamespace, slimSecret, slimServiceAccount, type NamespaceState, type NamespaceWrite, type SecretState, type ServiceAccountState } from './namespace-plan.js';
import { TARGET_LABEL } from './namespace-writes.js';
import { createReflector, type KubeObject, type Reflector } from './reflector.js';
import { fixedNamespaces, type NamespaceSelection } from './selection.js';

export type NamespaceCache = ReturnType<typeof createNamespaceCache>;

export function createNamespaceCache(deps: {
  client: KubeWatchClient;
  selection: NamespaceSelection;
  /** This target's value of TARGET_LABEL. */
  owner: string;
  timers: Timers;
  logger: Logger;
  random?: () => number;
  watchTimeoutSeconds?: number;
  /** Told the namespace of every change. */
  onChange: (namespace: string) => void;
  onRestart: (resource: string) => void;
}) {
  const { selection } = deps;
  const labelKeys = new Set(selection.namespaceSelector?.requirements.map((r) => r.key) ?? []);
  const fixed = fixedNamespaces(selection);
  const fixedStates = new Map((fixed ?? []).map((name) => [name, { name, labels: {}, terminating: false } as NamespaceState]));
  const accountsByNamespace = new Map<string, Map<string, ServiceAccountState>>();
  const common = { client: deps.client, timers: deps.timers, logger: deps.logger, random: deps.random, watchTimeoutSeconds: deps.watchTimeoutSeconds };
  const onChange = (key: string) => deps.onChange(key.includes('/') ? key.slice(0, key.indexOf('/')) : key);
  const onRestart = (resource: string) => () => deps.onRestart(resource);
  const scopes: (string | undefined)[] = fixed ?? [undefined];

  const namespaces = fixed
    ? undefined
    : createReflector<KubeObject, NamespaceState>({
        ...common,
        source: { apiVersion: 'v1', plural: 'namespaces' },
        slim: (o) => slimNamespace(o, labelKeys),
        onChange,
        onRestart: onRestart('namespaces'),
      });
  const ownLabels = { [MANAGED_BY_LABEL]: MANAGER_NAME, [TARGET_LABEL]: deps.owner };
  const secrets = scopes.map((namespace) =>
    createReflector<SecretObject & KubeObject, SecretState>({
      ...common,
      source: { apiVersion: 'v1', plural: 'secrets', namespace, fieldSelector: `metadata.name=${selection.name}` },
      slim: (secret) => slimSecret(secret, ownLabels),
      onChange,
      onRestart: onRestart('secrets'),
    }),
  );
  const serviceAccounts =
    selection.serviceAccounts.length === 0
      ? []
      : scopes.map((namespace) =>
          createReflector<KubeObject, ServiceAccountState>({
            ...common,
            source: { apiVersion: 'v1', plural: 'serviceaccounts', namespace },
            slim: slimServiceAccount,
            onChange: (key, now, before) => {
              indexAccount(now, before);
              onChange(key);
            },
            onRestart: onRestart('serviceaccounts'),
          }),
        );
  const all = [...(namespaces ? [namespaces] : []), ...secrets, ...serviceAccounts] as Reflector<unknown>[];

  function indexAccount(now: ServiceAccountState | undefined, before: ServiceAccountState | undefined) {
    const account = now ?? before!;
    let inNamespace = accountsByNamespace.get(account.namespace);
    if (now) {
      if (!inNamespace) accountsByNamespace.set(account.namespace, (inNamespace = new Map()));
      inNamespace.set(now.name, now);
    } else if (inNamespace) {
      inNamespace.delete(account.name);
      if (inNamespace.size === 0) accountsByNamespace.delete(account.namespace);
    }
  }

  /** The reflector that holds `namespace`'s objects of a kind: the cluster-wide one, or that namespace's. */
  function cacheOf<S>(reflectors: Reflector<S>[], namespace: string): Reflector<S> | undefined {
    return fixed ? reflectors[fixed.indexOf(namespace)] : reflectors[0];
  }

  return {
    /** Lists, then watches, until `stop`. */
    start: () => all.forEach((reflector) => reflector.start()),
    stop: () => Promise.all(all.map((reflector) => reflector.stop())),
    /** Resolves once every watch has its first list in. */
    synced: () => Promise.all(all.map((reflector) => reflector.synced())),
    /** One list of each, no watch (--once, --dry-run). */
    listOnce: (signal?: AbortSignal) => Promise.all(all.map((reflector) => reflector.listOnce(signal))),

    namespace: (name: string): NamespaceState | undefined => (fixed ? fixedStates.get(name) : namespaces?.get(name)),
    secretIn: (namespace: string): SecretState | undefined => cacheOf(secrets, namespace)?.get(`${namespace}/${selection.name}`),
    accountsIn: (namespace: string): ServiceAccountState[] => [...(accountsByNamespace.get(namespace)?.values() ?? [])],

    /** Every namespace the target may have to act in: those it selects, and those holding something of ours. */
    namespacesToVisit(): string[] {
      const names = new Set<string>(fixed ?? []);
      if (namespaces) for (const ns of namespaces.values()) names.add(ns.name);
      for (const cache of secrets) for (const s of cache.values()) if (s.standing === 'ours') names.add(s.namespace);
      for (const [namespace, accounts] of accountsByNamespace) {
        for (const account of accounts.values()) if (account.imagePullSecrets.includes(selection.name)) names.add(namespace);
      }
      return [...names];
    },

    /** What a write returned, taken in until its watch event arrives (see Reflector.assume). */
    assume(namespace: string, write: NamespaceWrite, saved: KubeObject | 'gone' | undefined) {
      if (saved === undefined) return;
      if (write.kind === 'patch-service-account') {
        if (saved !== 'gone') cacheOf(serviceAccounts, namespace)?.assume(saved);
        return;
      }
      const cache = cacheOf(secrets, namespace);
      if (saved === 'gone') cache?.forget(`${namespace}/${selection.name}`);
      else cache?.assume(saved);
    },
  };
}
