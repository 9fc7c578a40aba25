import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { KubeRequest, KubeWatchClient, WatchEvent } from '../../../src/kubernetes/api/create-kube-client.js';
import { KubernetesError } from '../../../src/kubernetes/api/kubernetes-error.js';
import { createReflector, type KubeObject } from '../../../src/kubernetes/controller/reflector.js';
import type { Timers } from '../../../src/schedule/clock.js';

const logger = pino({ level: 'silent' });
const ns = (name: string, rv: string): KubeObject => ({ metadata: { name, resourceVersion: rv } });

type WatchScript = (call: KubeRequest, emit: (event: WatchEvent<KubeObject>) => void) => Promise<void>;

/** A client whose lists and watches follow a script; records every call. */
function scriptedClient(lists: (() => { items: KubeObject[]; rv: string })[], watches: WatchScript[]) {
  const calls: string[] = [];
  const client: KubeWatchClient = {
    endpoint: 'https://127.0.0.1:6443',
    close: async () => {},
    async send<T>(call: KubeRequest): Promise<T> {
      calls.push(`list rv=${call.query?.resourceVersion ?? ''}`);
      const next = lists.shift();
      if (!next) throw new Error('no more lists scripted');
      const { items, rv } = next();
      return { metadata: { resourceVersion: rv }, items } as T;
    },
    async watch<T>(call: KubeRequest, onEvent: (event: WatchEvent<T>) => void): Promise<void> {
      calls.push(`watch rv=${call.query?.resourceVersion} bookmarks=${call.query?.allowWatchBookmarks}`);
      const script = watches.shift();
      if (!script) {
        // Park until stopped, as a quiet watch does.
        await new Promise<void>((_, reject) => call.signal?.addEventListener('abort', () => reject(call.signal!.reason), { once: true }));
        return;
      }
      await script(call, onEvent as (event: WatchEvent<KubeObject>) => void);
    },
  };
  return { client, calls };
}

/** Timers that fire at once, recording each delay asked for. */
function instantTimers(delays: number[]): Timers {
  return {
    setTimeout(callback, delayMs) {
      delays.push(delayMs);
      const id = setTimeout(callback, 0);
      return { id };
    },
    clearTimeout(handle) {
      clearTimeout(handle.id as NodeJS.Timeout);
    },
  };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 30));

function kubeError(code: 'ERR_KUBE_GONE' | 'ERR_KUBE_RATE_LIMITED' | 'ERR_KUBE_NETWORK', extra: { retryAfterMs?: number; status?: number } = {}) {
  return new KubernetesError(`watch failed: ${code}`, {
    endpoint: 'https://127.0.0.1:6443', verb: 'watch', resource: 'namespaces', namespace: '',
    code, reason: 'server_error', retryable: true, ...extra,
  });
}

describe('the reflector: list, then watch from the list resourceVersion', () => {
  it('watches from the list resourceVersion with bookmarks, and a bookmark moves the version on', async () => {
    const { client, calls } = scriptedClient(
      [() => ({ items: [ns('a', '5')], rv: '10' })],
      [
        async (_call, emit) => {
          emit({ type: 'ADDED', object: ns('b', '11') });
          emit({ type: 'BOOKMARK', object: ns('', '15') });
        },
      ],
    );
    const changes: string[] = [];
    const reflector = createReflector<KubeObject, string>({
      client, source: { apiVersion: 'v1', plural: 'namespaces' }, slim: (o) => o.metadata.name, logger, timers: instantTimers([]),
      onChange: (key, now, before) => changes.push(`${key}:${before ?? '-'}→${now ?? '-'}`),
    });
    reflector.start();
    await settled();
    await reflector.stop();
    expect(calls).toEqual(['list rv=', 'watch rv=10 bookmarks=true', 'watch rv=15 bookmarks=true']);
    expect(changes).toEqual(['a:-→a', 'b:-→b']);
  });

  it('lists again at once after 410 Gone, and reports what vanished meanwhile as deleted', async () => {
    const { client, calls } = scriptedClient(
      [() => ({ items: [ns('a', '5'), ns('b', '6')], rv: '10' }), () => ({ items: [ns('b', '6'), ns('c', '30')], rv: '31' })],
      [
        async (_call, emit) => {
          emit({ type: 'ERROR', object: { metadata: { name: '' }, code: 410, message: 'too old resource version: 10 (25)' } as unknown as KubeObject });
        },
      ],
    );
    const delays: number[] = [];
    const restarts: string[] = [];
    const changes: string[] = [];
    const reflector = createReflector<KubeObject, string>({
      client, source: { apiVersion: 'v1', plural: 'namespaces' }, slim: (o) => o.metadata.name, logger, timers: instantTimers(delays),
      onChange: (key, now) => changes.push(`${key}:${now ? 'present' : 'deleted'}`), onRestart: (why) => restarts.push(why),
    });
    reflector.start();
    await settled();
    await reflector.stop();
    expect(calls).toEqual(['list rv=', 'watch rv=10 bookmarks=true', 'list rv=', 'watch rv=31 bookmarks=true']);
    expect(changes).toEqual(['a:present', 'b:present', 'b:present', 'c:present', 'a:deleted']);
    expect(restarts).toEqual(['gone']);
    expect(delays).toEqual([]);
    expect([...reflector.values()].sort()).toEqual(['b', 'c']);
  });

  it('treats a 410 answer to the watch request itself the same way', async () => {
    const { client, calls } = scriptedClient(
      [() => ({ items: [], rv: '10' }), () => ({ items: [], rv: '40' })],
      [async () => Promise.reject(kubeError('ERR_KUBE_GONE', { status: 410 }))],
    );
    const reflector = createReflector<KubeObject, string>({ client, source: { apiVersion: 'v1', plural: 'namespaces' }, slim: (o) => o.metadata.name, logger, timers: instantTimers([]), onChange: () => {} });
    reflector.start();
    await settled();
    await reflector.stop();
    expect(calls).toEqual(['list rv=', 'watch rv=10 bookmarks=true', 'list rv=', 'watch rv=40 bookmarks=true']);
  });

  it('after a cut stream waits with backoff and watches again from the last version seen, missing nothing', async () => {
    const { client, calls } = scriptedClient(
      [() => ({ items: [], rv: '10' })],
      [
        async (_call, emit) => {
          emit({ type: 'ADDED', object: ns('a', '12') });
          throw kubeError('ERR_KUBE_NETWORK');
        },
        async (_call, emit) => emit({ type: 'ADDED', object: ns('b', '13') }),
      ],
    );
    const delays: number[] = [];
    const reflector = createReflector<KubeObject, string>({
      client, source: { apiVersion: 'v1', plural: 'namespaces' }, slim: (o) => o.metadata.name, logger, timers: instantTimers(delays), onChange: () => {}, random: () => 0.5,
    });
    reflector.start();
    await settled();
    await reflector.stop();
    expect(calls).toEqual(['list rv=', 'watch rv=10 bookmarks=true', 'watch rv=12 bookmarks=true', 'watch rv=13 bookmarks=true']);
    expect(delays).toEqual([400]);
    expect([...reflector.values()].sort()).toEqual(['a', 'b']);
  });

  it("honours a 429's Retry-After as the least wait before watching again", async () => {
    const { client, calls } = scriptedClient([() => ({ items: [], rv: '10' })], [async () => Promise.reject(kubeError('ERR_KUBE_RATE_LIMITED', { retryAfterMs: 3000, status: 429 }))]);
    const delays: number[] = [];
    const reflector = createReflector<KubeObject, string>({
      client, source: { apiVersion: 'v1', plural: 'namespaces' }, slim: (o) => o.metadata.name, logger, timers: instantTimers(delays), onChange: () => {}, random: () => 0,
    });
    reflector.start();
    await settled();
    await reflector.stop();
    expect(delays).toEqual([3000]);
    expect(calls).toEqual(['list rv=', 'watch rv=10 bookmarks=true', 'watch rv=10 bookmarks=true']);
  });

  it('lists in pages and keeps what every page held', async () => {
    const pages = [
      { metadata: { resourceVersion: '20', continue: 'next' }, items: [ns('a', '1')] },
      { metadata: { resourceVersion: '20' }, items: [ns('b', '2')] },
    ];
    const seen: (Record<string, string> | undefined)[] = [];
    const client = {
      endpoint: 'x',
      close: async () => {},
      send: async <T>(call: KubeRequest) => (seen.push(call.query), pages.shift() as T),
      watch: async () => {},
    } satisfies KubeWatchClient;
    const reflector = createReflector<KubeObject, string>({ client, source: { apiVersion: 'v1', plural: 'namespaces' }, slim: (o) => o.metadata.name, logger, timers: instantTimers([]), onChange: () => {} });
    await reflector.listOnce();
    expect([...reflector.values()]).toEqual(['a', 'b']);
    expect(seen).toEqual([{ limit: '500' }, { limit: '500', continue: 'next' }]);
  });

  it('asks the server to filter by name (a field selector) on every list and watch', async () => {
    const queries: (Record<string, string> | undefined)[] = [];
    const client = {
      endpoint: 'x',
      close: async () => {},
      send: async <T>(call: KubeRequest) => (queries.push(call.query), { metadata: { resourceVersion: '5' }, items: [] } as T),
      // One watch, parked until stopped, as a quiet one is.
      watch: async (call: KubeRequest) => {
        queries.push(call.query);
        await new Promise<void>((resolve) => call.signal?.addEventListener('abort', () => resolve(), { once: true }));
      },
    } satisfies KubeWatchClient;
    const reflector = createReflector<KubeObject, string>({
      client, source: { apiVersion: 'v1', plural: 'secrets', fieldSelector: 'metadata.name=ecr-pull' }, slim: (o) => o.metadata.name, logger, timers: instantTimers([]), onChange: () => {},
    });
    reflector.start();
    await reflector.synced();
    await settled();
    await reflector.stop();
    expect(queries).toHaveLength(2);
    for (const query of queries) expect(query).toMatchObject({ fieldSelector: 'metadata.name=ecr-pull' });
    expect(queries[0]).not.toHaveProperty('labelSelector');
  });

  it('takes what a write of ours returned into the cache until the watch event replaces it', async () => {
    const { client } = scriptedClient([() => ({ items: [ns('a', '5')], rv: '10' })], []);
    const changes: string[] = [];
    const reflector = createReflector<KubeObject, string>({
      client, source: { apiVersion: 'v1', plural: 'namespaces' }, slim: (o) => `${o.metadata.name}@${o.metadata.resourceVersion}`, logger, timers: instantTimers([]),
      onChange: (key, now) => changes.push(`${key}:${now ?? 'deleted'}`),
    });
    await reflector.listOnce();
    reflector.assume(ns('b', '11'));
    reflector.forget('a');
    expect([...reflector.values()]).toEqual(['b@11']);
    expect(changes).toEqual(['a:a@5', 'b:b@11', 'a:deleted']);
  });
});
