// The built CLI against a real API server and the ECR / Pipecat Cloud
// stand-ins: two daemons with leader election (exactly one writes; SIGKILL
// and SIGTERM hand over), and one run over mixed targets sharing one ECR call.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect } from 'vitest';
import { parse, stringify } from 'yaml';
import type { EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import type { BuiltCli } from '../support/create-built-cli.js';
import type { TrackedProcess } from '../support/create-process-tracker.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube/start-kube-api-server.js';
import { systemTest } from '../support/system-test.js';
import { waitFor } from '../support/wait-for.js';
import { createNamespace, getJson } from './support/grant.js';
import { registryEntry } from './support/test-token.js';

const NS = 'agents';
const LEASE_MS = 4000;
// A 2 s gap between the leader giving up and the standby taking over: 1 s of renewTime tolerance.
const LEASE_ENV = { LEADER_ELECTION_LEASE_DURATION: '4s', LEADER_ELECTION_RENEW_DEADLINE: '2s', LEADER_ELECTION_RETRY_PERIOD: '500ms' };
// Past the lease's end the standby still reads and writes the Lease, in a process of its own, through an
// API server on the same loaded machine: a takeover anywhere within the next lease is a takeover, not a hang.
// The exact instant is pinned on simulated time in create-leader-elector.test.ts.
const TAKEOVER_ALLOWANCE_MS = LEASE_MS;
// A lease far longer than a hand-over takes, so a standby leading before it ran out can only have been let in by the release.
const LONG_LEASE_MS = 30_000;
const WROTE = 'secret set refreshed and ready';
let kube: KubeApiServer;
let kubeconfig: string;
let run = 0;

systemTest.override({ standInOptions: { api: { provisioningDelayMs: 50 } } });
let ecrStandIn: EcrStandIn;
systemTest.beforeAll(async ({ ecr }) => {
  ecrStandIn = ecr;
  kube = await startKubeApiServer();
  kubeconfig = kube.writeKubeconfig('daemons', { token: kube.adminToken });
  await createNamespace(kube, NS);
  await createNamespace(kube, 'batch');
}, 120_000);
afterAll(async () => {
  await kube?.stop();
});
// The process fixture lives for the whole file: end each test's daemons with it, so none keeps minting.
const daemons: TrackedProcess[] = [];
afterEach(async () => {
  const ended = daemons.splice(0);
  await Promise.all(ended.map((d) => d.stop(5_000)));
  // The hygiene scan: no token, whole, in anything a daemon printed.
  for (const d of ended) for (const { password } of ecrStandIn.issued) expect(d.stdout() + d.stderr()).not.toContain(password);
});

type Env = (extra: Record<string, string>) => NodeJS.ProcessEnv;

function daemon(cli: BuiltCli, cliEnv: Env, identity: string, secret: string, lease: string, leaseEnv: Record<string, string> = LEASE_ENV): TrackedProcess {
  const env = cliEnv({
    KUBERNETES_SECRET: `${NS}/${secret}`,
    KUBECONFIG: kubeconfig,
    LEADER_ELECTION: 'true',
    LEADER_ELECTION_NAMESPACE: NS,
    LEADER_ELECTION_LEASE_NAME: lease,
    POD_NAME: identity,
    REFRESH_SCHEDULE: '* * * * * *',
    ...leaseEnv,
  });
  delete env.PCC_API_KEY;
  const started = cli.start([], { env });
  daemons.push(started);
  return started;
}

const writes = (d: TrackedProcess) => d.logEntries().filter((e) => e.msg === WROTE);
const seen = (d: TrackedProcess, msg: string) => d.logEntries().find((e) => e.msg === msg);
const timeOf = (entry: Record<string, unknown> | undefined) => Date.parse(String(entry?.time));

async function leaderAndStandby(cli: BuiltCli, cliEnv: Env, leaseEnv = LEASE_ENV) {
  const secret = `ha-${++run}`;
  const lease = `lease-${run}`;
  const a = daemon(cli, cliEnv, 'pod-a', secret, lease, leaseEnv);
  await waitFor(() => writes(a).length > 0, { what: `pod-a writing (stderr ${a.stderr().slice(-300)}, log ${a.stdout().slice(-800)})`, timeoutMs: 20_000 });
  const b = daemon(cli, cliEnv, 'pod-b', secret, lease, leaseEnv);
  await waitFor(() => seen(b, 'lease held by another replica: standing by'), { what: `pod-b standing by (log ${b.stdout().slice(-800)})`, timeoutMs: 20_000 });
  return { a, b, secret, lease };
}

async function password(namespace: string, name: string) {
  return registryEntry(await getJson<{ data: Record<string, string> }>(kube, ['secret', '-n', namespace, name])).password;
}

async function leaderGauge(d: TrackedProcess) {
  const text = await fetch(String(seen(d, 'ecr-token-refresher started')?.metrics)).then((r) => r.text());
  return /^ecr_token_refresher_leader (\d)$/m.exec(text)?.[1];
}

describe('daemons with leader election', () => {
  systemTest('over several cycles exactly one writes; the standby mints nothing and says leader 0', async ({ cli, cliEnv, ecr }) => {
    const { a, b, secret } = await leaderAndStandby(cli, cliEnv);
    const [writesBefore, callsBefore] = [writes(a).length, ecr.calls.length];
    await waitFor(() => writes(a).length - writesBefore >= 3, { what: `three more writes by pod-a (log ${a.stdout().slice(-800)})`, timeoutMs: 20_000 });
    expect(writes(b)).toHaveLength(0);
    // One ECR call per write of pod-a's (give or take the cycle in flight at each end): none from pod-b.
    const [calls, written] = [ecr.calls.length - callsBefore, writes(a).length - writesBefore];
    expect(Math.abs(calls - written)).toBeLessThanOrEqual(1);
    expect([await leaderGauge(a), await leaderGauge(b)]).toEqual(['1', '0']);
    expect((await fetch(String(seen(b, 'ecr-token-refresher started')?.metrics).replace('/metrics', '/readyz'))).status).toBe(200);
    await b.stop(5_000);
    await a.stop(5_000);
    expect(await password(NS, secret)).toBe(ecr.issued.at(-1)!.password);
  });

  systemTest('SIGKILL of the leader: the standby writes once the lease has run out, never before', async ({ cli, cliEnv, ecr }) => {
    const { a, b, secret, lease } = await leaderAndStandby(cli, cliEnv);
    const mintedBefore = ecr.issued.length;
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await a.exited;
    const last = (await getJson<{ spec: { holderIdentity?: string; renewTime?: string } }>(kube, ['lease', '-n', NS, lease])).spec;
    expect(last.holderIdentity).toBe('pod-a');
    await waitFor(() => writes(b).length > 0, { what: `pod-b writing (log ${b.stdout().slice(-800)})`, timeoutMs: 20_000, intervalMs: 20 });
    const ledAt = timeOf(seen(b, 'became the leader'));
    const [failoverMs, sinceRenewalMs, firstWriteMs] = [ledAt - killedAt, ledAt - Date.parse(last.renewTime!), timeOf(writes(b)[0]) - killedAt];
    console.info(`SIGKILL failover: pod-b leading after ${failoverMs} ms (${sinceRenewalMs} ms after the last renewal), first write after ${firstWriteMs} ms (lease duration ${LEASE_MS} ms)`);
    // The standby counts the lease from the last renewal: never before it runs out (safety), and then
    // without waiting for anything else.
    expect(sinceRenewalMs).toBeGreaterThanOrEqual(LEASE_MS);
    expect(sinceRenewalMs).toBeLessThanOrEqual(LEASE_MS + TAKEOVER_ALLOWANCE_MS);
    expect(failoverMs).toBeLessThanOrEqual(LEASE_MS + TAKEOVER_ALLOWANCE_MS);
    // Stopped (drained), pod-b's last mint is what the Secret holds.
    await b.stop(5_000);
    expect(ecr.issued.length).toBeGreaterThan(mintedBefore);
    expect(await password(NS, secret)).toBe(ecr.issued.at(-1)!.password);
  });

  systemTest('SIGTERM of the leader: it releases the Lease and the standby writes before the lease would have run out', async ({ cli, cliEnv }) => {
    const { a, b, lease } = await leaderAndStandby(cli, cliEnv, { ...LEASE_ENV, LEADER_ELECTION_LEASE_DURATION: `${LONG_LEASE_MS / 1000}s` });
    const renewedBeforeStop = Date.parse((await getJson<{ spec: { renewTime?: string } }>(kube, ['lease', '-n', NS, lease])).spec.renewTime!);
    const stoppedAt = Date.now();
    expect((await a.stop(10_000)).code).toBe(0);
    await waitFor(() => writes(b).length > 0, { what: `pod-b writing (log ${b.stdout().slice(-800)})`, timeoutMs: 20_000, intervalMs: 20 });
    const ledAt = timeOf(seen(b, 'became the leader'));
    console.info(`SIGTERM hand-over: pod-b leading ${ledAt - stoppedAt} ms after the signal (lease duration ${LONG_LEASE_MS} ms)`);
    expect(seen(a, 'released the lease')).toBeDefined();
    // pod-a renewed at renewedBeforeStop or later, so its lease held until at least renewedBeforeStop + the lease.
    expect(ledAt).toBeLessThan(renewedBeforeStop + LONG_LEASE_MS);
  });
});

describe('mixed targets and bad Kubernetes settings', () => {
  systemTest('one Pipecat Cloud set and Secrets in two namespaces share one ECR call', async ({ cli, cliEnv, ecr, api, home }) => {
    const file = join(home, 'mixed.yaml');
    writeFileSync(file, `targets:\n  - secretSet: mixed-pull\n  - kubernetesSecret: { namespace: ${NS}, name: mixed }\n  - kubernetesSecret: { namespace: batch, name: mixed }\n`);
    const callsBefore = ecr.calls.length;
    const result = await cli.run(['--once', '--config', file], { env: cliEnv({ KUBECONFIG: kubeconfig }), timeoutMs: 30_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(ecr.calls.length - callsBefore).toBe(1);
    const minted = ecr.issued.at(-1)!.password;
    expect(await password(NS, 'mixed')).toBe(minted);
    expect(await password('batch', 'mixed')).toBe(minted);
    expect(Buffer.from(api.getSet('mixed-pull')!.secretValue!, 'base64').toString()).toBe(`AWS:${minted}`);
  });

  systemTest('a pull-Secret target outside a pod without KUBECONFIG: exit 2 naming the setting, nothing sent', async ({ cli, cliEnv, ecr }) => {
    const callsBefore = ecr.calls.length;
    const result = await cli.run(['--once'], { env: cliEnv({ KUBERNETES_SECRET: `${NS}/nowhere`}) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('KUBERNETES_SERVICE_HOST: is not set, so this is not a pod: set KUBECONFIG');
    expect(ecr.calls.length).toBe(callsBefore);
  });

  systemTest('leader election with no namespace anywhere: exit 2 naming LEADER_ELECTION_NAMESPACE', async ({ cli, cliEnv, home }) => {
    const noNamespace = join(home, 'no-namespace.kubeconfig');
    const config = parse(readFileSync(kubeconfig, 'utf8')) as { contexts: Array<{ context: Record<string, string> }> };
    for (const entry of config.contexts) delete entry.context.namespace;
    writeFileSync(noNamespace, stringify(config));
    const result = await cli.run([], { env: cliEnv({ KUBERNETES_SECRET: `${NS}/x`, KUBECONFIG: noNamespace, LEADER_ELECTION: 'true' }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LEADER_ELECTION_NAMESPACE: is not set, and neither POD_NAMESPACE nor KUBECONFIG context');
  });
});
