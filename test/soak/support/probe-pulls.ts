// Once a second, for every destination, what a pull would meet: the credentials as they are
// stored (the Secret's `.dockerconfigjson` read back from the API server; the Pipecat Cloud set
// as the platform turns it into `{"auths": {<host>: {"auth": <secretValue>}}}`), looked up by
// the registry's host and sent as Basic credentials in a manifest fetch through the ECR-like
// front. A probe succeeds when the registry answers 200 with the pushed image's digest.
//
// A Kubernetes read that fails because the API server itself is down or stalled (restarted,
// etcd paused) is not the refresher's failure and no pod could start then anyway: the probe
// pulls with the bytes it last read and counts the read as `stale`. A Secret that is gone (404)
// is a failed pull, as it is for a kubelet.
import type { EcrStandIn } from '../../../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../../../stand-ins/secrets-api-stand-in.js';
import { httpsStatus } from '../../support/kube/https-status.js';
import type { KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import type { PullRegistry } from '../../pull/support/start-pull-registry.js';
import { NO_SECRET } from './probe-failures.js';
import type { Destination } from './start-soak-world.js';

export interface ProbeRecord {
  destination: string;
  /** When the probe started, epoch ms. */
  at: number;
  ok: boolean;
  /** Why it failed. */
  why?: string;
  /** The Secret could not be read (API server down): pulled with the bytes last read. */
  stale?: boolean;
  /** Life left in the token pulled with, ms (negative: expired); undefined when none was found. */
  tokenLeftMs?: number;
  /** How old that token was, ms since ECR issued it. */
  tokenAgeMs?: number;
}

export interface PullProber {
  readonly records: ProbeRecord[];
  /** The docker config document each destination holds now, as a client would be given it. */
  documentOf(destination: Destination): Promise<string | undefined>;
  stop(): Promise<void>;
}

const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

/** The key clients look credentials up by: the host, without scheme or path. */
const hostOf = (key: string) => key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');

export function startPullProber(deps: {
  destinations: Destination[];
  kube: KubeApiServer;
  api: SecretsApiStandIn;
  ecr: EcrStandIn;
  registry: PullRegistry;
  lifetimeMs: number;
  intervalMs?: number;
}): PullProber {
  const records: ProbeRecord[] = [];
  const lastRead = new Map<string, string>();
  const [repository, tag] = deps.registry.image.name.split(':') as [string, string];
  const interval = deps.intervalMs ?? 1_000;

  async function readSecret(destination: Extract<Destination, { kind: 'kubernetesSecret' }>): Promise<{ document?: string; stale?: boolean; why?: string }> {
    try {
      const got = await httpsStatus(`${deps.kube.url}/api/v1/namespaces/${destination.namespace}/secrets/${destination.name}`, {
        caPem: deps.kube.caPem,
        token: deps.kube.adminToken,
        timeoutMs: 1_500,
      });
      if (got.status === 200) {
        const secret = JSON.parse(got.body) as { data?: Record<string, string> };
        const document = Buffer.from(secret.data?.['.dockerconfigjson'] ?? '', 'base64').toString('utf8');
        lastRead.set(destination.label, document);
        return { document };
      }
      if (got.status === 404) return { why: NO_SECRET };
      return { document: lastRead.get(destination.label), stale: true };
    } catch {
      return { document: lastRead.get(destination.label), stale: true };
    }
  }

  async function documentOf(destination: Destination): Promise<{ document?: string; stale?: boolean; why?: string }> {
    if (destination.kind === 'kubernetesSecret') return readSecret(destination);
    const set = deps.api.getSet(destination.name);
    if (!set?.host || !set.secretValue) return { why: 'the secret set holds no image pull secret' };
    return { document: JSON.stringify({ auths: { [set.host]: { auth: set.secretValue } } }) };
  }

  async function probe(destination: Destination): Promise<ProbeRecord> {
    const at = Date.now();
    const record: ProbeRecord = { destination: destination.label, at, ok: false };
    const read = await documentOf(destination);
    if (read.stale) record.stale = true;
    if (!read.document) return { ...record, why: read.why ?? 'nothing read yet' };
    const auths = (JSON.parse(read.document) as { auths?: Record<string, { auth?: string }> }).auths ?? {};
    const entry = Object.entries(auths).find(([key]) => hostOf(key) === deps.registry.front.host)?.[1];
    if (!entry?.auth) return { ...record, why: `no credentials for ${deps.registry.front.host}` };
    const password = Buffer.from(entry.auth, 'base64').toString('utf8').replace(/^AWS:/, '');
    const expiresAt = deps.ecr.expiryOf(password)?.getTime();
    if (expiresAt !== undefined) {
      record.tokenLeftMs = expiresAt - at;
      record.tokenAgeMs = at - (expiresAt - deps.lifetimeMs);
    }
    try {
      const response = await fetch(`${deps.registry.front.url}/v2/${repository}/manifests/${tag}`, {
        headers: { authorization: `Basic ${entry.auth}`, accept: ACCEPT },
        signal: AbortSignal.timeout(3_000),
      });
      const body = await response.text();
      if (response.status !== 200) return { ...record, why: `registry ${response.status}: ${body.slice(0, 120).trim()}` };
      const digest = response.headers.get('docker-content-digest');
      if (digest !== deps.registry.image.digest) return { ...record, why: `manifest digest ${digest}, not ${deps.registry.image.digest}` };
      return { ...record, ok: true };
    } catch (error) {
      return { ...record, why: `manifest fetch: ${(error as Error).message}` };
    }
  }

  let running = true;
  const loops = deps.destinations.map(async (destination) => {
    let next = Date.now();
    while (running) {
      records.push(await probe(destination));
      next += interval;
      // A probe that overran its second is followed at once, never by a burst of catch-up probes.
      next = Math.max(next, Date.now());
      await new Promise((resolve) => setTimeout(resolve, next - Date.now()));
    }
  });
  return {
    records,
    documentOf: async (destination) => (await documentOf(destination)).document,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
