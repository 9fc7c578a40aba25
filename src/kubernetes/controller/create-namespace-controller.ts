// Keeps one cluster-wide pull Secret target true in every namespace, level
// based: watches (namespaces, the Secrets of its name, ServiceAccounts) keep a
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
import { isTermEnded, leadershipLapsedError } from '../../sink/fence-sinks.js';
import type { WriteFence } from '../../sink/sink.js';
import type { KubeWatchClient } from '../api/create-kube-client.js';
import { honourRetryAfter } from '../api/honour-retry-after.js';
import { isKubernetesError, type KubernetesError } from '../api/kubernetes-error.js';
import { createNamespaceCache, type NamespaceCache } from './namespace-cache.js';
import type { EventRecorder } from './namespace-events.js';
import { planNamespace, secretInSync, type NamespaceWrite } from './namespace-plan.js';
import { createNamespaceWriter, describeWrite, eventReason } from './namespace-writes.js';
import { describeSelection, selectsNamespace, type NamespaceSelection } from './selection.js';

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

  const buildCache = () =>
    createNamespaceCache({
      client,
      selection,
      owner,
      timers,
      logger,
      random: deps.random,
      watchTimeoutSeconds: deps.watchTimeoutSeconds,
      onChange: (namespace) => {
        if (watching) schedule(namespace);
      },
      onRestart: (resource) => deps.observer?.watchRestarted(resource),
    });
  const logger = deps.logger.child({ pullSecret: selection.name });
  const owner = targetLabelValue(selection);
  const writer = createNamespaceWriter({ client: honourRetryAfter(client, timers), name: selection.name, owner, fence: () => fence, onSecret: deps.onSecret });

  let tokens: EcrToken[] | undefined;
  let fence: WriteFence | undefined;
  let cache: NamespaceCache | undefined;
  let watching = false;
  /** Namespaces written with the current token: a later write there is a drift repair. */
  let written = new Set<string>();
  const chains = new Map<string, Promise<void>>();
  const queued = new Set<string>();
  const retries = new Map<string, { attempts: number; timer?: ReturnType<Timers['setTimeout']> }>();

  const visit = () => cache?.namespacesToVisit() ?? [];

  const validTokens = () => (tokens && tokens.every((token) => token.expiresAt > clock.now()) ? tokens : undefined);

  function planFor(namespace: string, using: readonly EcrToken[] | undefined = validTokens()): NamespaceWrite[] {
    return planNamespace({ selection, namespace: cache?.namespace(namespace), secret: cache?.secretIn(namespace), serviceAccounts: cache?.accountsIn(namespace) ?? [], tokens: using });
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
      cache?.assume(namespace, write, await writer.perform(namespace, write, current));
      const drift = cause === 'watch' && written.has(namespace) && (write.kind === 'create-secret' || write.kind === 'update-secret');
      deps.observer?.wrote(write.kind, drift);
      logger.info({ namespace, write: write.kind, ...(write.kind === 'patch-service-account' && { serviceAccount: write.name }), cause, ...(drift && { drift }) }, describeWrite(write));
    }
    if (current && selectsHere(namespace)) written.add(namespace);
  }

  function selectsHere(namespace: string): boolean {
    const state = cache?.namespace(namespace);
    return state !== undefined && selectsNamespace(selection, state);
  }

  function failed(namespace: string, error: unknown) {
    if (!watching) return;
    const conflict = isKubernetesError(error, 'ERR_KUBE_CONFLICT') || isKubernetesError(error, 'ERR_KUBE_NOT_FOUND');
    if (isTermEnded(error)) return;
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
      cache = buildCache();
      cache.start();
    },

    async stop() {
      watching = false;
      for (const entry of retries.values()) if (entry.timer) timers.clearTimeout(entry.timer);
      retries.clear();
      const ending = cache;
      cache = undefined;
      await ending?.stop();
      await Promise.all([...chains.values()]);
    },

    /** Resolves once every watch has its first list (or, not watching, lists everything once now). */
    async sync(signal?: AbortSignal): Promise<void> {
      if (watching && cache) {
        await cache.synced();
        return;
      }
      cache = buildCache();
      await cache.listOnce(signal);
    },

    /** What each namespace would need with `candidate`: for --dry-run. */
    plan(candidate: readonly EcrToken[]): { namespace: string; writes: NamespaceWrite[] }[] {
      return visit()
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
        visit().map((namespace) =>
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
      return visit().filter((ns) => {
        const secret = cache?.secretIn(ns);
        return selectsHere(ns) && !(secret && secretInSync(secret, expected));
      });
    },

    status(): NamespaceStatus {
      const current = validTokens();
      let selected = 0;
      let inSync = 0;
      for (const ns of visit()) {
        if (!selectsHere(ns)) continue;
        selected++;
        const secret = cache?.secretIn(ns);
        if (current && secret && secretInSync(secret, current) && planFor(ns, current).length === 0) inSync++;
      }
      return { selected, inSync, outOfSync: selected - inSync };
    },

    /** Whether the watches run (daemon) rather than a list per cycle (--once). */
    watching: () => watching,
  };
}

export type NamespaceController = ReturnType<typeof createNamespaceController>;
