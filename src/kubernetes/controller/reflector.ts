// Keeps a local copy of one kind of object, the way client-go's reflector
// does: list (in pages), then watch from the list's resourceVersion with
// bookmarks, so a quiet stream still moves the resourceVersion on; when the
// server ends a watch (its timeout), watch again from the last version seen;
// when that version is too old (410 Gone, etcd compacted it), list again;
// when the connection fails, back off with jitter (a 429's Retry-After as a
// floor) and watch again. Only what `slim` keeps of each object is held, so
// memory grows with the number of objects, not their size. Each change is
// reported with the object before and after.
import type { Logger } from 'pino';
import type { Timers } from '../../schedule/clock.js';
import { backoffDelay } from '../../refresh/backoff-delay.js';
import type { KubeRequest, KubeWatchClient, WatchEvent } from '../api/create-kube-client.js';
import { isKubernetesError, KubernetesError } from '../api/kubernetes-error.js';

export interface KubeObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

interface ObjectList<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface ReflectorSource {
  apiVersion: string;
  plural: string;
  /** Absent: cluster-scoped objects, or every namespace. */
  namespace?: string;
  labelSelector?: string;
  /** E.g. `metadata.name=<name>`: the API server filters by it, as by a label selector. */
  fieldSelector?: string;
}

export interface Reflector<S, T extends KubeObject = KubeObject> {
  /** Starts the list-and-watch loop; it runs until `stop`. */
  start(): void;
  /** One list, no watch: the cache as of now (for --once and --dry-run). */
  listOnce(signal?: AbortSignal): Promise<void>;
  /** Resolves once the first list is in the cache. */
  synced(): Promise<void>;
  get(key: string): S | undefined;
  /**
   * What a write of ours returned, taken into the cache before its watch event
   * arrives, so the next decision does not repeat the write; the event then
   * replaces it. `undefined` with a key: the object was deleted.
   */
  assume(object: T): void;
  forget(key: string): void;
  values(): IterableIterator<S>;
  stop(): Promise<void>;
}

export const PAGE_SIZE = 500;
const WATCH_BACKOFF = { initialDelayMs: 800, maxDelayMs: 30_000 };

export function createReflector<T extends KubeObject, S>(deps: {
  client: KubeWatchClient;
  source: ReflectorSource;
  /** What the cache keeps of an object: only what decisions need. */
  slim: (object: T) => S;
  onChange: (key: string, now: S | undefined, before: S | undefined) => void;
  /** A watch ended by a fault, or a re-list after 410 Gone. */
  onRestart?: (why: 'gone' | 'error') => void;
  timers: Timers;
  logger: Logger;
  random?: () => number;
  /** The server ends each watch after about this long (jittered, as client-go does). */
  watchTimeoutSeconds?: number;
}): Reflector<S, T> {
  const { client, source, timers, logger } = deps;
  const cache = new Map<string, S>();
  const stopping = new AbortController();
  let resourceVersion: string | undefined;
  let running: Promise<void> | undefined;
  let markSynced!: () => void;
  const firstSync = new Promise<void>((resolve) => (markSynced = resolve));
  const what = `${source.plural}${source.namespace ? ` in ${source.namespace}` : ''}`;

  const keyOf = (object: T) => (object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name);

  function put(object: T) {
    const key = keyOf(object);
    const before = cache.get(key);
    const now = deps.slim(object);
    cache.set(key, now);
    deps.onChange(key, now, before);
  }

  function remove(key: string) {
    const before = cache.get(key);
    if (before === undefined) return;
    cache.delete(key);
    deps.onChange(key, undefined, before);
  }

  const call = (verb: 'list' | 'watch', query: Record<string, string>, signal?: AbortSignal): KubeRequest => ({
    verb,
    apiVersion: source.apiVersion,
    plural: source.plural,
    ...(source.namespace !== undefined && { namespace: source.namespace }),
    query: { ...(source.labelSelector && { labelSelector: source.labelSelector }), ...(source.fieldSelector && { fieldSelector: source.fieldSelector }), ...query },
    signal: signal ? AbortSignal.any([signal, stopping.signal]) : stopping.signal,
  });

  /** A full list replaces the cache: what is gone from it is reported deleted. */
  async function list(signal?: AbortSignal) {
    const seen = new Set<string>();
    let page: ObjectList<T> | undefined;
    let version: string | undefined;
    do {
      const query: Record<string, string> = { limit: String(PAGE_SIZE), ...(page?.metadata?.continue && { continue: page.metadata.continue }) };
      page = await client.send<ObjectList<T>>(call('list', query, signal));
      version ??= page.metadata?.resourceVersion;
      for (const item of page.items) {
        seen.add(keyOf(item));
        put(item);
      }
    } while (page.metadata?.continue);
    for (const key of [...cache.keys()]) if (!seen.has(key)) remove(key);
    resourceVersion = version;
    markSynced();
  }

  function onEvent(event: WatchEvent<T>) {
    if (event.type === 'ERROR') {
      const status = event.object as unknown as { code?: number; message?: string };
      throw new KubernetesError(`the watch of ${what} ended: ${status.message ?? 'an error'}`, {
        endpoint: client.endpoint,
        verb: 'watch',
        resource: source.plural,
        namespace: source.namespace ?? '',
        code: status.code === 410 ? 'ERR_KUBE_GONE' : 'ERR_KUBE_SERVER',
        reason: 'server_error',
        retryable: true,
        status: status.code,
      });
    }
    resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
    if (event.type === 'BOOKMARK') return;
    if (event.type === 'DELETED') remove(keyOf(event.object));
    else put(event.object);
  }

  async function loop() {
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        if (resourceVersion === undefined) await list();
        const timeout = deps.watchTimeoutSeconds ?? 300;
        const jittered = Math.round(timeout * (1 + (deps.random ?? Math.random)()));
        await client.watch<T>(call('watch', { resourceVersion: resourceVersion!, allowWatchBookmarks: 'true', timeoutSeconds: String(jittered) }), onEvent);
        failures = 0;
      } catch (error) {
        if (stopping.signal.aborted) return;
        if (isKubernetesError(error, 'ERR_KUBE_GONE')) {
          // What we hold is older than anything the server still has: list again, at once.
          logger.info({ resource: what }, 'watch resourceVersion expired (410 Gone): listing again');
          resourceVersion = undefined;
          deps.onRestart?.('gone');
          continue;
        }
        deps.onRestart?.('error');
        const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
        const delay = backoffDelay(failures++, { ...WATCH_BACKOFF, random: deps.random }, { retryAfterMs });
        logger.warn({ err: error, resource: what, retryInSeconds: delay / 1000 }, 'watch failed; watching again after a pause');
        await sleep(delay);
      }
    }
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        timers.clearTimeout(handle);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const handle = timers.setTimeout(done, ms);
      stopping.signal.addEventListener('abort', done, { once: true });
    });
  }

  return {
    start() {
      running ??= loop();
    },
    listOnce: (signal) => list(signal),
    synced: () => firstSync,
    get: (key) => cache.get(key),
    assume: (object) => put(object),
    forget: (key) => remove(key),
    values: () => cache.values(),
    async stop() {
      stopping.abort(new Error('the controller stopped'));
      await running;
    },
  };
}
