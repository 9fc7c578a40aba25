// Everything a pull-availability soak runs against, started in this process so faults can be
// injected into each part: the ECR and secrets-API stand-ins (short-lived tokens), a real API
// server whose daemons reach it through a TCP proxy that can cut the network, the ECR-like
// registry front over `crane registry serve` holding a test image, a webhook receiver for
// at-risk events, and two replicas of the built daemon (dist/cli.js) with leader election,
// keeping one Pipecat Cloud set and a cluster-wide pull Secret target (one Secret in each of
// several namespaces, kept true by watches) filled. The daemons act as a ServiceAccount holding
// only the RBAC docs/kubernetes.md asks for: a Role on the Lease, and in each namespace a Role
// to watch and write Secrets and to create Events.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEcrStandIn, type EcrStandIn } from '../../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn, type SecretsApiStandIn } from '../../../stand-ins/secrets-api-stand-in.js';
import { createBuiltCli, type BuiltCli } from '../../support/create-built-cli.js';
import { createProcessTracker, type TrackedProcess } from '../../support/create-process-tracker.js';
import { ensureBuilt } from '../../support/ensure-built.js';
import { httpsStatus } from '../../support/kube/https-status.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { writeKubeconfig } from '../../support/kube/write-kubeconfig.js';
import { refresherEnv } from '../../support/refresher-env.js';
import { startCaptureServer, type CaptureServer } from '../../support/start-capture-server.js';
import { startCuttableTcpProxy, type CuttableTcpProxy } from '../../support/start-cuttable-tcp-proxy.js';
import { waitFor } from '../../support/wait-for.js';
import { startOciRegistry, type OciRegistry } from '../../pull/support/start-oci-registry.js';
import { startPullRegistry, type PullRegistry } from '../../pull/support/start-pull-registry.js';

export const SOAK_ACCOUNT = '123456789012';
export const SOAK_REGION = 'us-east-1';
export const SECRET_NAME = 'ecr-pull';
export const SECRET_SET = 'soak-pull';
const LEASE_NAMESPACE = 'soak';
const WROTE = 'secret set refreshed and ready';

export interface SoakWorldOptions {
  tokenLifetimeSeconds: number;
  /** REFRESH_MARGIN; with a token of twice this life the refresh comes every `margin`. */
  marginSeconds: number;
  /** Namespaces that each get a pull Secret `ecr-pull`. */
  namespaces: string[];
}

/**
 * A place the image is pulled with: a Kubernetes Secret or the Pipecat Cloud set. `target` is
 * the name of the target that keeps it, as logs, metrics and webhooks give it (`secret_set`):
 * one cluster-wide target keeps the Secrets of every namespace.
 */
export type Destination =
  | { kind: 'kubernetesSecret'; label: string; target: string; namespace: string; name: string }
  | { kind: 'secretSet'; label: string; target: string; name: string };

/** The target name of `kubernetesSecret: { name, namespaces }` with plain names, as the daemon reports it. */
export function clusterTargetName(namespaces: string[], name: string): string {
  return `[${namespaces.join(',')}]/${name}`;
}

const SERVICE_ACCOUNT = 'ecr-token-refresher';
const RBAC = 'rbac.authorization.k8s.io/v1';
/** docs/kubernetes.md, Cluster-wide pull Secrets: with plain namespace names, a Role in each. */
const NAMESPACE_RULES = [
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create'] },
];
/** docs/kubernetes.md, RBAC: with leader election, in the Lease's namespace. */
const LEASE_RULES = [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }];

function roleWithBinding(namespace: string, name: string, rules: unknown[]) {
  return [
    { apiVersion: RBAC, kind: 'Role', metadata: { name, namespace }, rules },
    {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: LEASE_NAMESPACE }],
    },
  ];
}

export interface Replica {
  name: string;
  process: TrackedProcess;
  metricsUrl(): string | undefined;
}

export interface SoakWorld {
  ecr: EcrStandIn;
  api: SecretsApiStandIn;
  kube: KubeApiServer;
  proxy: CuttableTcpProxy;
  registry: PullRegistry;
  webhook: CaptureServer;
  destinations: Destination[];
  /** Every replica started, in order; the live ones are those whose process has not exited. */
  replicas: Replica[];
  /** Starts one more replica (a Deployment replacing a pod), named `name`. */
  startReplica(name: string): Replica;
  /** The live replica that became the leader last and has not stopped leading, if any. */
  leader(): Replica | undefined;
  kubectl(args: string[], input?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSoakWorld(options: SoakWorldOptions): Promise<SoakWorld> {
  const tracker = createProcessTracker();
  const home = mkdtempSync(join(tmpdir(), 'ecr-token-refresher-soak-'));
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    await tracker.stopAll(5_000);
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const cli: BuiltCli = createBuiltCli(await ensureBuilt(), tracker);
    const ecr = await startEcrStandIn({ tokenLifetimeSeconds: options.tokenLifetimeSeconds, accountId: SOAK_ACCOUNT });
    closers.push(() => ecr.close());
    const api = await startSecretsApiStandIn({ provisioningDelayMs: 200 });
    closers.push(() => api.close());
    const webhook = await startCaptureServer();
    closers.push(() => webhook.close());
    const kube = await startKubeApiServer();
    closers.push(() => kube.stop());
    const kubectl = async (args: string[], input?: string) => {
      const result = await kube.kubectl(args, { input });
      if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
      return result.stdout;
    };
    for (const namespace of [LEASE_NAMESPACE, ...options.namespaces]) await kubectl(['create', 'namespace', namespace]);
    const rbac = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SERVICE_ACCOUNT, namespace: LEASE_NAMESPACE } },
      ...roleWithBinding(LEASE_NAMESPACE, `${SERVICE_ACCOUNT}-lease`, LEASE_RULES),
      ...options.namespaces.flatMap((namespace) => roleWithBinding(namespace, `${SERVICE_ACCOUNT}-pull-secret`, NAMESPACE_RULES)),
    ];
    await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: rbac }));
    const daemonToken = await kube.serviceAccountToken(LEASE_NAMESPACE, SERVICE_ACCOUNT);
    const apiPort = Number(new URL(kube.url).port);
    const proxy = await startCuttableTcpProxy({ host: '127.0.0.1', port: apiPort });
    closers.push(() => proxy.close());
    // The daemons reach the API server only through the proxy; the prober and kubectl go direct.
    const kubeconfig = writeKubeconfig(join(home, 'daemons.kubeconfig'), { url: `https://127.0.0.1:${proxy.port}`, caFile: kube.caFile }, { token: daemonToken });
    const oci = await startOciRegistry();
    closers.push(() => oci.stop());
    const image = await oci.pushTestImage('agents/voice-bot:v1');
    const registry = await startPullRegistry({ oci, image, ecr, accountId: SOAK_ACCOUNT, region: SOAK_REGION });
    closers.push(() => registry.close());

    const clusterTarget = clusterTargetName(options.namespaces, SECRET_NAME);
    const destinations: Destination[] = [
      { kind: 'secretSet', label: SECRET_SET, target: SECRET_SET, name: SECRET_SET },
      ...options.namespaces.map(
        (namespace): Destination => ({ kind: 'kubernetesSecret', label: `${namespace}/${SECRET_NAME}`, target: clusterTarget, namespace, name: SECRET_NAME }),
      ),
    ];
    const configFile = join(home, 'targets.yaml');
    writeFileSync(
      configFile,
      `targets:\n  - secretSet: ${SECRET_SET}\n    format: image-pull-secret\n` +
        `  - kubernetesSecret: { name: ${SECRET_NAME}, namespaces: [${options.namespaces.join(', ')}] }\n`,
    );
    const replicas: Replica[] = [];
    const startReplica = (name: string): Replica => {
      const env = refresherEnv({
        ecr,
        api,
        home,
        extra: {
          KUBECONFIG: kubeconfig,
          LEADER_ELECTION: 'true',
          LEADER_ELECTION_NAMESPACE: LEASE_NAMESPACE,
          LEADER_ELECTION_LEASE_NAME: 'ecr-token-refresher',
          LEADER_ELECTION_LEASE_DURATION: '4s',
          LEADER_ELECTION_RENEW_DEADLINE: '2s',
          LEADER_ELECTION_RETRY_PERIOD: '500ms',
          POD_NAME: name,
          REFRESH_MARGIN: `${options.marginSeconds}s`,
          // Only the expiry guard and the retries keep the tokens alive.
          REFRESH_SCHEDULE: '0 0 1 1 *',
          RETRY_INITIAL_DELAY: '1s',
          RETRY_MAX_DELAY: '2s',
          REQUEST_TIMEOUT: '3s',
          CONFIRM_TIMEOUT: '10s',
          ALERT_WEBHOOK_URL: `${webhook.url}/hooks/at-risk`,
        },
      });
      const process = cli.start(['--config', configFile], { env });
      const replica: Replica = {
        name,
        process,
        metricsUrl: () => process.logEntries().find((e) => e.msg === 'ecr-token-refresher started')?.metrics as string | undefined,
      };
      replicas.push(replica);
      return replica;
    };
    const live = () => replicas.filter((r) => r.process.child.exitCode === null && r.process.child.signalCode === null);
    const leader = () => {
      let best: { replica: Replica; at: number } | undefined;
      for (const replica of live()) {
        const entries = replica.process.logEntries();
        const led = entries.filter((e) => e.msg === 'became the leader').at(-1);
        const ended = entries.filter((e) => e.msg === 'stopped leading').at(-1);
        const at = led ? Date.parse(String(led.time)) : 0;
        if (led && !(ended && Date.parse(String(ended.time)) >= at) && (!best || at > best.at)) best = { replica, at };
      }
      return best?.replica;
    };
    const first = startReplica('pod-a');
    await waitFor(() => first.process.logEntries().filter((e) => e.msg === WROTE).length >= 1, {
      what: `pod-a writing every target (log ${first.process.stdout().slice(-1500)} ${first.process.stderr().slice(-500)})`,
      timeoutMs: 40_000,
    });
    const second = startReplica('pod-b');
    await waitFor(() => second.process.logEntries().some((e) => e.msg === 'lease held by another replica: standing by'), {
      what: `pod-b standing by (log ${second.process.stdout().slice(-800)})`,
      timeoutMs: 30_000,
    });
    await waitFor(() => api.getSet(SECRET_SET)?.status === 'ready', { what: 'the Pipecat Cloud set ready', timeoutMs: 20_000 });
    for (const namespace of options.namespaces) {
      await waitFor(async () => (await httpsStatus(`${kube.url}/api/v1/namespaces/${namespace}/secrets/${SECRET_NAME}`, { caPem: kube.caPem, token: kube.adminToken })).status === 200, {
        what: `the pull Secret in ${namespace}`,
        timeoutMs: 20_000,
      });
    }
    return { ecr, api, kube, proxy, registry, webhook, destinations, replicas, startReplica, leader, kubectl, close };
  } catch (error) {
    await close();
    throw error;
  }
}
