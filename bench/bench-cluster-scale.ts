// Cluster-wide pull Secrets at scale, against the suite's real kube-apiserver
// + etcd on this machine: N namespaces (2,000 by default, BENCH_NAMESPACES)
// created by a plain client (the API server's own write throughput here, the
// physical limit), then the built daemon with one target selecting them all:
// the time to fill every namespace, the latency from a new namespace to its
// Secret over 50 namespaces, the daemon's RSS with the cache, and the API
// calls of one scheduled cycle by verb and resource, counted by the API server
// itself (its audit log, only the daemon's ServiceAccount).
// Run alone with `npx tsx bench/bench-cluster-scale.ts`; `npm run bench` runs it too.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startEcrStandIn } from '../stand-ins/ecr-stand-in.js';
import { createKubeClient, type KubeClient } from '../src/kubernetes/api/create-kube-client.js';
import { loadKubeConnection } from '../src/kubernetes/api/load-kube-connection.js';
import { countAuditedCalls } from '../test/support/kube/count-audited-calls.js';
import { startKubeApiServer } from '../test/support/kube/start-kube-api-server.js';
import { freePort } from '../test/support/free-port.js';
import { refresherEnv } from './bench-env.js';
import { startDaemon } from './start-daemon.js';
import { summarize } from './summarize.js';
import { mib, s, spread } from './units.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function countSecrets(client: KubeClient, prefix: string): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await client.send<{ items: { metadata: { namespace: string } }[]; metadata: { continue?: string } }>({
      verb: 'list', apiVersion: 'v1', plural: 'secrets',
      query: { labelSelector: 'app.kubernetes.io/managed-by=ecr-token-refresher', limit: '500', ...(token && { continue: token }) },
    });
    count += page.items.filter((item) => item.metadata.namespace.startsWith(prefix)).length;
    token = page.metadata.continue;
  } while (token);
  return count;
}

async function exists(client: KubeClient, namespace: string): Promise<boolean> {
  try {
    await client.send({ verb: 'get', apiVersion: 'v1', plural: 'secrets', namespace, name: 'ecr-pull' });
    return true;
  } catch {
    return false;
  }
}

function requestCounts(metrics: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of metrics.matchAll(/^ecr_token_refresher_kubernetes_api_request_duration_seconds_count\{operation="([^"]+)",status="[^"]+"\} (\d+)/gm)) {
    counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + Number(m[2]));
  }
  return counts;
}

/** The daemon's V8 heap in use (its default metrics): what is live, as opposed to RSS, which keeps the fill's high-water mark. */
async function heapUsedKb(url: string): Promise<number> {
  const text = await fetch(url).then((r) => r.text());
  return Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? 0) / 1024;
}

const timeOf = (entry: Record<string, unknown>) => Date.parse(String(entry.time));

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

export async function benchClusterScale(options: { cli: string; home: string; namespaces: number; qps: number }): Promise<string[][]> {
  const { namespaces: n } = options;
  const kube = await startKubeApiServer({ auditLog: true });
  const ecr = await startEcrStandIn();
  const admin = createKubeClient({ connection: loadKubeConnection({ kubeconfig: kube.adminKubeconfig }), requestTimeoutMs: 30_000 });
  const names = Array.from({ length: n }, (_, i) => `scale-${String(i).padStart(5, '0')}`);
  try {
    log(`cluster scale: creating ${n} namespaces...`);
    let started = performance.now();
    await inParallel(names, 16, (name) => admin.send({ verb: 'create', apiVersion: 'v1', plural: 'namespaces', body: { metadata: { name } } }));
    const namespaceMs = performance.now() - started;
    log('cluster scale: a plain client writing one Secret in each (the API server\'s own write throughput)...');
    started = performance.now();
    await inParallel(names, 16, (namespace) =>
      admin.send({ verb: 'create', apiVersion: 'v1', plural: 'secrets', namespace, body: { metadata: { name: 'plain' }, type: 'Opaque', data: { k: 'dg==' } } }),
    );
    const plainMs = performance.now() - started;

    // The daemon runs as a ServiceAccount of its own, so the audit log tells its requests apart.
    const granted = await kube.kubectl(['create', 'clusterrolebinding', 'refresher', '--clusterrole=cluster-admin', '--serviceaccount=ecr-system:refresher']);
    if (granted.code !== 0) throw new Error(`kubectl create clusterrolebinding failed: ${granted.stderr}`);
    const daemonKubeconfig = kube.writeKubeconfig('refresher', { token: await kube.serviceAccountToken('ecr-system', 'refresher') });
    // Ticks far enough apart for a cycle over every namespace at this QPS to end before the next.
    const cycleMinutes = Math.max(2, Math.ceil((3 * n) / options.qps / 60));

    const config = join(options.home, 'cluster-scale.yaml');
    writeFileSync(config, stringify({ awsRegion: 'us-east-1', targets: [{ kubernetesSecret: { name: 'ecr-pull', namespaces: ['scale-*'] } }] }));
    const port = await freePort();
    const env = refresherEnv({ ecrUrl: ecr.url, apiUrl: 'http://127.0.0.1:9/v1', apiKey: '' }, options.home, {
      METRICS_PORT: String(port),
      CONFIG_FILE: config,
      KUBECONFIG: daemonKubeconfig,
      KUBERNETES_QPS: String(options.qps),
      KUBERNETES_BURST: String(options.qps * 2),
      REFRESH_SCHEDULE: `*/${cycleMinutes} * * * *`,
    });
    delete env.PCC_API_KEY;
    log(`cluster scale: the daemon filling ${n} namespaces at KUBERNETES_QPS=${options.qps}...`);
    const daemon = startDaemon(options.cli, { ...env, NO_PROXY: '127.0.0.1' }, []);
    try {
      // Logged once every namespace holds the token (confirmed from the watch events).
      const fillMs = await daemon.waitForLog('secret set refreshed and ready', 15 * 60_000);
      const filled = await countSecrets(admin, 'scale-');
      if (filled !== n) throw new Error(`the daemon reported ready with ${filled} of ${n} namespaces filled`);
      const rss = rssKb(daemon.pid);
      const heap = await heapUsedKb(`http://127.0.0.1:${port}/metrics`);

      log('cluster scale: 50 new namespaces, one at a time...');
      const latencies: number[] = [];
      for (let i = 0; i < 50; i++) {
        const name = `scale-new-${i}`;
        const at = performance.now();
        await admin.send({ verb: 'create', apiVersion: 'v1', plural: 'namespaces', body: { metadata: { name } } });
        while (!(await exists(admin, name))) await new Promise((resolve) => setTimeout(resolve, 10));
        latencies.push(performance.now() - at);
      }
      const rssAfter = rssKb(daemon.pid);
      const mints = ecr.calls.length;

      log(`cluster scale: waiting for the next scheduled cycle (every ${cycleMinutes} min)...`);
      const isScheduled = (entry: Record<string, unknown>) => entry.trigger === 'schedule';
      const cycleStart = await daemon.waitForEntry((e) => isScheduled(e) && e.msg === 'refresh started', (cycleMinutes + 1) * 60_000);
      const cycleEnd = await daemon.waitForEntry((e) => isScheduled(e) && e.cycle === cycleStart.cycle && e.msg === 'refresh finished', 15 * 60_000);
      // Anything the cycle set off after it finished (a repeat write, a read) lands in the log meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const cycleCalls = countAuditedCalls(kube.auditLogFile!, { user: 'system:serviceaccount:ecr-system:refresher', fromMs: timeOf(cycleStart), toMs: timeOf(cycleEnd) + 5_000 });
      const writes = cycleCalls['patch secrets'] ?? 0;
      const reads = Object.entries(cycleCalls).filter(([call]) => /^(get|list) /.test(call)).reduce((sum, [, count]) => sum + count, 0);
      const total = n + 50;
      return [
        [`Cluster: ${n} namespaces created by a plain client (16 in flight)`, s(namespaceMs), '', ''],
        [`Cluster: API server write throughput, plain client (${n} Secrets, 16 in flight)`, `${Math.round((n / plainMs) * 1000)} writes/s`, '', ''],
        [`Cluster: daemon start → a pull Secret in all ${n} namespaces (KUBERNETES_QPS=${options.qps})`, s(fillMs), '', ''],
        ['Cluster: new namespace → its pull Secret (50 namespaces)', spread(summarize(latencies), (v) => `${Math.round(v)} ms`), '', ''],
        [`Cluster: daemon RSS with ${n} namespaces cached (after fill / after 50 more)`, `${mib(rss)} / ${mib(rssAfter)}`, '', ''],
        [`Cluster: of that, JS heap in use after the fill (cache and all live objects)`, mib(heap), '', ''],
        ['Cluster: ECR calls for the fill and the 50 new namespaces', String(mints), '1', mints === 1 ? 'PASS' : 'FAIL'],
        [`Cluster: one scheduled cycle over ${total} namespaces (audit log)`, s(timeOf(cycleEnd) - timeOf(cycleStart)), '', ''],
        [`Cluster: API calls of that cycle by verb (audit log, daemon's user)`, Object.entries(cycleCalls).sort().map(([call, count]) => `${call}: ${count}`).join(', ') || 'none', '', ''],
        ['Cluster: that cycle writes each managed Secret once, reads nothing', `${writes} writes, ${reads} get/list`, `${total} writes, 0 get/list`, writes === total && reads === 0 ? 'PASS' : 'FAIL'],
        ...(await callRows(`http://127.0.0.1:${port}/metrics`, n)),
      ];
    } finally {
      await daemon.stop(10_000);
    }
  } finally {
    await admin.close();
    await ecr.close();
    await kube.stop();
  }
}

/** The API calls so far (start-up cycle, 50 new namespaces, one scheduled cycle), by operation, from the daemon's own request metrics. */
async function callRows(url: string, n: number): Promise<string[][]> {
  const counts = requestCounts(await fetch(url).then((r) => r.text()));
  const byVerb = [...counts].sort().map(([operation, count]) => `${operation}: ${count}`).join(', ');
  return [[`Cluster: API calls for ${n} + 50 namespaces and one scheduled cycle, by operation (daemon metrics)`, byVerb, '', '']];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { formatTable } = await import('./format-table.js');
  const { ensureBuilt } = await import('../test/support/ensure-built.js');
  const rows = await benchClusterScale({
    cli: await ensureBuilt(),
    home: mkdtempSync(join(tmpdir(), 'bench-cluster-')),
    namespaces: Number(process.env.BENCH_NAMESPACES ?? 2000),
    qps: Number(process.env.BENCH_KUBERNETES_QPS ?? 20),
  });
  process.stdout.write(`${formatTable(['Benchmark', 'Figure', 'Target', ''], rows)}\n`);
}
