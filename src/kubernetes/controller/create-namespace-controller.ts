// Keeps one cluster-wide pull Secret target true in every namespace, level
// based: watches (namespaces, our Secrets by label, ServiceAccounts) keep a
// slim cache, every change marks its namespace, and a reconcile brings a
// marked namespace to what planNamespace says from the cache alone. The
// token is the one the last cycle published, while it is still valid: a new
// namespace or a repaired Secret never costs a new mint. One namespace's
// failure becomes an Event there, a log line and a count, and is retried on
// its own backoff; the others carry on. With leader election every write
// checks the term's fence first and carries its signal.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { EcrToken } from '../../ecr/ecr-token.js';
import { backoffDelay } from '../../refresh/backoff-delay.js';
import type { Clock, Timers } from '../../schedule/clock.js';
import { leadershipLapsedError } from '../../sink/fence-sinks.js';
import type { WriteFence } from '../../sink/sink.js';
import type { KubeWatchClient } from '../api/create-kube-client.js';
import { honourRetryAfter } from '../api/honour-retry-after.js';
import { isKubernetesError, type KubernetesError } from '../api/kubernetes-error.js';
import { MANAGED_BY_LABEL, MANAGER_NAME, type SecretObject } from '../pull-secret/build-pull-secret.js';
import type { EventRecorder } from './namespace-events.js';
import { createNamespaceWriter, describeWrite, eventReason, TARGET_LABEL } from './namespace-writes.js';
import {
  planNamespace,
  secretInSync,
  slimNamespace,
  slimSecret,
  slimServiceAccount,
  type NamespaceState,
  type NamespaceWrite,
  type SecretState,
  type ServiceAccountState,
} from './namespace-plan.js';
import { createReflector, type KubeObject, type Reflector } from './reflector.js';
import { describeSelection, fixedNamespaces, selectsNamespace, type NamespaceSelection } from './selection.js';

const RETRY = { initialDelayMs: 1000, maxDelayMs: 5 * 60_000 };
/** This target's value of TARGET_LABEL: a digest of its selection. */
export function targetLabelValue(selection: NamespaceSelection): string {
  return createHash('sha256').update(describeSelection(selection)).digest('hex').slice(0, 20);
}
/** A 409 means the cache is a moment behind: look again soon. */
const CONFLICT_RETRY_MS = 250;

export interface ControllerObserver {
  /** A write done; `drift` when it repaired a namespace that already had the current token. */
  wrote(write: NamespaceWrite['kind'], drift: boolean): void;
  failed(reason: string): void;
  watchRestarted(resource: string): void;
}

export interface NamespaceFailure {
  namespace: string;
  error: unknown;
}

export interface NamespaceStatus {
  selected: number;
  inSync: number;
  outOfSync: number;
}

export function createNamespaceController(deps: {
  client: KubeWatchClient;
  selection: NamespaceSelection;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  events: EventRecorder;
  observer?: ControllerObserver;
  random?: () => number;
  /** Told every `.dockerconfigjson` value before it is sent: a secret, for the log scrubber. */
  onSecret?: (value: string) => void;
  watchTimeoutSeconds?: number;
}) {
  const { client, selection, clock, timers, events } = deps;
  const logger = deps.logger.child({ pullSecret: selection.name });
  const labelKeys = new Set(selection.namespaceSelector?.requirements.map((r) => r.key) ?? []);
  // Plain names, no label selector: the namespaces are known without listing them (a Role in each suffices).
  const fixed = fixedNamespaces(selection);
  const owner = targetLabelValue(selection);
  const writer = createNamespaceWriter({ client: honourRetryAfter(client, timers), name: selection.name, owner, fence: () => fence, onSecret: deps.onSecret });
  const fixedStates = new Map((fixed ?? []).map((name) => [name, { name, labels: {}, terminating: false } as NamespaceState]));

  let tokens: EcrToken[] | undefined;
  let fence: WriteFence | undefined;
  let caches: Caches | undefined;
  let watching = false;
  /** Namespaces written with the current token: a later write there is a drift repair. */
  let written = new Set<string>();
  const chains = new Map<string, Promise<void>>();
  const queued = new Set<string>();
  const retries = new Map<string, { attempts: number; timer?: ReturnType<Timers['setTimeout']> }>();

  interface Caches {
    namespaces?: Reflector<NamespaceState>;
    secrets: Reflector<SecretState>[];
    serviceAccounts: Reflector<ServiceAccountState>[];
  }

  function buildCaches(): Caches {
    const common = { client, timers, logger, random: deps.random, watchTimeoutSeconds: deps.watchTimeoutSeconds };
    const onChange = (key: string) => {
      if (watching) schedule(key.includes('/') ? key.slice(0, key.indexOf('/')) : key);
    };
    const onRestart = (resource: string) => () => deps.observer?.watchRestarted(resource);
    const scopes: (string | undefined)[] = fixed ?? [undefined];
    return {
      namespaces: fixed
        ? undefined
        : createReflector<KubeObject, NamespaceState>({
            ...common,
            source: { apiVersion: 'v1', plural: 'namespaces' },
            slim: (o) => slimNamespace(o, labelKeys),
            onChange,
            onRestart: onRestart('namespaces'),
          }),
      secrets: scopes.map((namespace) =>
        createReflector<SecretObject & KubeObject, SecretState>({
          ...common,
          source: { apiVersion: 'v1', plural: 'secrets', namespace, labelSelector: `${MANAGED_BY_LABEL}=${MANAGER_NAME},${TARGET_LABEL}=${owner}` },
          slim: slimSecret,
          onChange,
          onRestart: onRestart('secrets'),
        }),
      ),
      serviceAccounts:
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
            ),
    };
  }

  const all = (c: Caches) => [...(c.namespaces ? [c.namespaces] : []), ...c.secrets, ...c.serviceAccounts] as Reflector<unknown>[];

  function namespaceState(name: string): NamespaceState | undefined {
    return fixed ? fixedStates.get(name) : caches?.namespaces?.get(name);
  }

  function secretIn(namespace: string): SecretState | undefined {
    for (const cache of caches?.secrets ?? []) {
      const found = cache.get(`${namespace}/${selection.name}`);
      if (found) return found;
    }
    return undefined;
  }

  /** The cached ServiceAccounts by namespace, so a namespace's plan does not scan the cluster's. */
  let accountsByNamespace = new Map<string, Map<string, ServiceAccountState>>();

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

  function accountsIn(namespace: string): ServiceAccountState[] {
    return [...(accountsByNamespace.get(namespace)?.values() ?? [])];
  }

  /** Every namespace the target may have to act in: those it selects, and those holding something of ours. */
  function namespacesToVisit(): string[] {
    const names = new Set<string>(fixed ?? []);
    if (caches?.namespaces) for (const ns of caches.namespaces.values()) names.add(ns.name);
    for (const cache of caches?.secrets ?? []) for (const s of cache.values()) if (s.name === selection.name) names.add(s.namespace);
    for (const [namespace, accounts] of accountsByNamespace) {
      for (const account of accounts.values()) if (account.imagePullSecrets.includes(selection.name)) names.add(namespace);
    }
    return [...names];
  }

  const validTokens = () => (tokens && tokens.every((token) => token.expiresAt > clock.now()) ? tokens : undefined);

  function planFor(namespace: string, using: readonly EcrToken[] | undefined = validTokens()): NamespaceWrite[] {
    return planNamespace({ selection, namespace: namespaceState(namespace), secret: secretIn(namespace), serviceAccounts: accountsIn(namespace), tokens: using });
  }

  /** Runs the reconciles of one namespace one after another; a mark while one waits is the same mark. */
  function reconcile(namespace: string, cause: 'publish' | 'watch'): Promise<void> {
    if (cause === 'watch' && queued.has(namespace)) return chains.get(namespace)!;
    queued.add(namespace);
    const previous = chains.get(namespace) ?? Promise.resolve();
    const next = previous.then(() => {
      queued.delete(namespace);
      return apply(namespace, cause);
    });
    const settled = next.catch(() => undefined);
    chains.set(namespace, settled);
    void settled.then(() => {
      if (chains.get(namespace) === settled) chains.delete(namespace);
    });
    return next;
  }

  function schedule(namespace: string) {
    reconcile(namespace, 'watch').then(
      () => clearRetry(namespace),
      (error: unknown) => failed(namespace, error),
    );
  }

  async function apply(namespace: string, cause: 'publish' | 'watch'): Promise<void> {
    const current = validTokens();
    for (const write of planFor(namespace, current)) {
      if (fence && !fence.holds()) throw leadershipLapsedError();
      assume(namespace, write, await writer.perform(namespace, write, current));
      const drift = cause === 'watch' && written.has(namespace) && (write.kind === 'create-secret' || write.kind === 'update-secret');
      deps.observer?.wrote(write.kind, drift);
      logger.info({ namespace, write: write.kind, ...(write.kind === 'patch-service-account' && { serviceAccount: write.name }), cause, ...(drift && { drift }) }, describeWrite(write));
    }
    if (current && selectsHere(namespace)) written.add(namespace);
  }

  /** The cache that holds `namespace`'s objects of a kind: the cluster-wide one, or that namespace's. */
  function cacheOf<S>(reflectors: Reflector<S>[], namespace: string): Reflector<S> | undefined {
    return fixed ? reflectors[fixed.indexOf(namespace)] : reflectors[0];
  }

  function assume(namespace: string, write: NamespaceWrite, saved: KubeObject | 'gone' | undefined) {
    if (!caches || saved === undefined) return;
    if (write.kind === 'patch-service-account') {
      if (saved !== 'gone') cacheOf(caches.serviceAccounts, namespace)?.assume(saved);
      return;
    }
    const secrets = cacheOf(caches.secrets, namespace);
    if (saved === 'gone') secrets?.forget(`${namespace}/${selection.name}`);
    else secrets?.assume(saved);
  }

  function selectsHere(namespace: string): boolean {
    const state = namespaceState(namespace);
    return state !== undefined && selectsNamespace(selection, state);
  }

  function failed(namespace: string, error: unknown) {
    if (!watching) return;
    const conflict = isKubernetesError(error, 'ERR_KUBE_CONFLICT') || isKubernetesError(error, 'ERR_KUBE_NOT_FOUND');
    const lapsed = (error as { message?: string }).message?.includes('leader election Lease') || isKubernetesError(error, 'ERR_KUBE_ABANDONED');
    if (lapsed) return;
    const entry = retries.get(namespace) ?? { attempts: 0 };
    retries.set(namespace, entry);
    const delay = conflict
      ? CONFLICT_RETRY_MS
      : backoffDelay(entry.attempts++, { ...RETRY, random: deps.random }, { retryAfterMs: (error as KubernetesError).retryAfterMs });
    // A person must act on a permanent failure: tell them in the namespace. A passing one is retried quietly.
    if (!conflict) report(namespace, error, (error as { retryable?: boolean }).retryable !== true);
    if (entry.timer) timers.clearTimeout(entry.timer);
    entry.timer = timers.setTimeout(() => {
      entry.timer = undefined;
      if (watching) schedule(namespace);
    }, delay);
  }

  function clearRetry(namespace: string) {
    const entry = retries.get(namespace);
    if (entry?.timer) timers.clearTimeout(entry.timer);
    retries.delete(namespace);
  }

  function report(namespace: string, error: unknown, withEvent = true) {
    const reason = eventReason(error);
    deps.observer?.failed(reason);
    logger.warn({ err: error, namespace, reason }, 'pull Secret not brought up to date in this namespace');
    if (withEvent) events.record({ namespace, reason, message: error instanceof Error ? error.message : String(error), object: { kind: 'Secret', name: selection.name } });
  }

  return {
    selection,

    /** Watches and reconciles until `stop`; with leader election, only while `termFence` holds. */
    start(termFence?: WriteFence) {
      if (watching) return;
      fence = termFence;
      watching = true;
      written = new Set();
      accountsByNamespace = new Map();
      caches = buildCaches();
      for (const reflector of all(caches)) reflector.start();
    },

    async stop() {
      watching = false;
      for (const entry of retries.values()) if (entry.timer) timers.clearTimeout(entry.timer);
      retries.clear();
      const ending = caches;
      caches = undefined;
      if (ending) await Promise.all(all(ending).map((r) => r.stop()));
      await Promise.all([...chains.values()]);
    },

    /** Resolves once every watch has its first list (or, not watching, lists everything once now). */
    async sync(signal?: AbortSignal): Promise<void> {
      if (watching && caches) {
        await Promise.all(all(caches).map((r) => r.synced()));
        return;
      }
      accountsByNamespace = new Map();
      caches = buildCaches();
      await Promise.all(all(caches).map((r) => r.listOnce(signal)));
    },

    /** What each namespace would need with `candidate`: for --dry-run. */
    plan(candidate: readonly EcrToken[]): { namespace: string; writes: NamespaceWrite[] }[] {
      return namespacesToVisit()
        .sort()
        .map((namespace) => ({ namespace, writes: planFor(namespace, candidate) }))
        .filter((entry) => entry.writes.length > 0);
    },

    /** Makes `next` the token and brings every namespace to it; one namespace's failure does not stop the others. */
    async publish(next: readonly EcrToken[], termFence?: WriteFence): Promise<NamespaceFailure[]> {
      if (termFence) fence = termFence;
      if (tokens?.map((t) => t.password).join() !== next.map((t) => t.password).join()) written = new Set();
      tokens = [...next];
      const failures: NamespaceFailure[] = [];
      await Promise.all(
        namespacesToVisit().map((namespace) =>
          reconcile(namespace, 'publish').then(
            () => clearRetry(namespace),
            (error: unknown) => {
              failures.push({ namespace, error });
              if (watching) failed(namespace, error);
              else report(namespace, error);
            },
          ),
        ),
      );
      return failures;
    },

    /** The selected namespaces whose Secret, per the cache, does not carry `expected`. */
    outOfSync(expected: readonly EcrToken[]): string[] {
      return namespacesToVisit().filter((ns) => selectsHere(ns) && !(secretIn(ns) && secretInSync(secretIn(ns)!, expected)));
    },

    status(): NamespaceStatus {
      const current = validTokens();
      let selected = 0;
      let inSync = 0;
      for (const ns of namespacesToVisit()) {
        if (!selectsHere(ns)) continue;
        selected++;
        const secret = secretIn(ns);
        if (current && secret && secretInSync(secret, current) && planFor(ns, current).length === 0) inSync++;
      }
      return { selected, inSync, outOfSync: selected - inSync };
    },

    /** Whether the watches run (daemon) rather than a list per cycle (--once). */
    watching: () => watching,
  };
}

export type NamespaceController = ReturnType<typeof createNamespaceController>;
