// Images pull with the Kubernetes pull Secret exactly as the refresher stored it: the built CLI
// writes `.dockerconfigjson` into a real API server, the document is read back from there and
// handed unchanged to crane and skopeo, which pull the test image from an ECR-like registry under
// its own name (`<account>.dkr.ecr.<region>.amazonaws.com`). The registry lets through only a
// live token the ECR stand-in issued for its account and region; the clients are refused the
// rest, as a kubelet would be.
import { afterAll, afterEach, describe, expect } from 'vitest';
import type { EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import type { BuiltCli } from '../support/create-built-cli.js';
import type { TrackedProcess } from '../support/create-process-tracker.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube/start-kube-api-server.js';
import { refresherEnv } from '../support/refresher-env.js';
import { systemTest } from '../support/system-test.js';
import { waitFor } from '../support/wait-for.js';
import { PULL_CLIENTS } from './support/pull-with.js';
import { startOciRegistry, type OciRegistry, type TestImage } from './support/start-oci-registry.js';
import { startPullRegistry, type PullRegistry } from './support/start-pull-registry.js';

const NS = 'agents';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

interface DockerConfig {
  auths: Record<string, { username?: string; password?: string; auth?: string }>;
}

let kube: KubeApiServer;
let oci: OciRegistry;
let image: TestImage;
let registry: PullRegistry;
let kubeconfig: string;
let ecrStandIn: EcrStandIn;

systemTest.override({ standInOptions: { api: { provisioningDelayMs: 50 } } });
systemTest.beforeAll(async ({ ecr }) => {
  ecrStandIn = ecr;
  kube = await startKubeApiServer();
  kubeconfig = kube.writeKubeconfig('pull', { token: kube.adminToken });
  await kube.kubectl(['create', 'namespace', NS]);
  oci = await startOciRegistry();
  image = await oci.pushTestImage('agents/voice-bot:v1');
  registry = await startPullRegistry({ oci, image, ecr, accountId: ACCOUNT, region: REGION });
}, 120_000);
afterAll(async () => {
  await registry?.close();
  await oci?.stop();
  await kube?.stop();
});

/** What `kubectl get secret` holds under `.dockerconfigjson`, decoded from base64 and nothing else. */
async function storedDockerConfig(name: string): Promise<string> {
  const got = await kube.kubectl(['get', 'secret', '-n', NS, name, '-o', 'json']);
  if (got.code !== 0) throw new Error(`kubectl get secret ${NS}/${name}: ${got.stderr}`);
  const secret = JSON.parse(got.stdout) as { type: string; data: Record<string, string> };
  expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
  return Buffer.from(secret.data['.dockerconfigjson']!, 'base64').toString('utf8');
}

/** The refresher's environment for one pull Secret (no Pipecat Cloud target). */
function secretEnv(cliEnv: (extra: Record<string, string>) => NodeJS.ProcessEnv, name: string, extra: Record<string, string> = {}) {
  const env = cliEnv({ KUBERNETES_SECRET: `${NS}/${name}`, KUBECONFIG: kubeconfig, ...extra });
  delete env.PCC_API_KEY;
  return env;
}

async function refreshOnce(cli: BuiltCli, env: NodeJS.ProcessEnv): Promise<void> {
  const run = await cli.run(['--once'], { env, timeoutMs: 60_000 });
  expect(run.code, `--once exited ${run.code}: ${run.stderr.slice(-800)} ${run.stdout.slice(-800)}`).toBe(0);
  for (const { password } of ecrStandIn.issued) expect(run.stdout + run.stderr).not.toContain(password);
}

const hosts = (document: string) => Object.keys((JSON.parse(document) as DockerConfig).auths);
const refusals = () => registry.front.requests.filter((r) => r.verdict !== 'allowed');

afterEach(() => {
  registry.front.requests.length = 0;
});

describe('pulling with the Kubernetes pull Secret the refresher wrote', () => {
  systemTest('crane and skopeo pull the image with .dockerconfigjson exactly as the API server holds it', async ({ cli, cliEnv }) => {
    await refreshOnce(cli, secretEnv(cliEnv, 'ecr-pull'));
    const stored = await storedDockerConfig('ecr-pull');
    // The key is the bare registry host, which is what clients look up for `<host>/<repository>`.
    expect(hosts(stored)).toEqual([`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`]);

    for (const client of PULL_CLIENTS) {
      const pulled = await registry.pull(client, stored);
      expect(pulled, `${client}: ${pulled.stderr}`).toMatchObject({ code: 0, digest: image.digest, text: image.text });
    }
    const allowed = registry.front.requests.filter((r) => r.verdict === 'allowed');
    expect(allowed.length).toBeGreaterThanOrEqual(4);
    expect(allowed.every((r) => r.tunnelled && r.status === 200)).toBe(true);
    // Clients ask anonymously first and answer the challenge; nothing else was refused.
    expect(new Set(refusals().map((r) => r.verdict))).toEqual(new Set(['no-credentials']));
    expect(registry.front.tunnels.every((t) => t.accepted)).toBe(true);
  });

  systemTest.for([
    ['of another region', { name: 'eu-west-1-pull', env: { AWS_REGION: 'eu-west-1' }, host: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, verdict: 'other-region' }],
    ["for another account's registry", { name: 'other-account-pull', env: { ECR_REGISTRY_ID: '210987654321' }, host: `210987654321.dkr.ecr.${REGION}.amazonaws.com`, verdict: 'other-account' }],
  ] as Array<[string, { name: string; env: Record<string, string>; host: string; verdict: string }]>)('a Secret %s gives no credential for this registry, and its token under this registry name is refused', async ([, { name, env, host, verdict }], { cli, cliEnv }) => {
    await refreshOnce(cli, secretEnv(cliEnv, name, env));
    const stored = await storedDockerConfig(name);
    expect(hosts(stored)).toEqual([host]);

    for (const client of PULL_CLIENTS) {
      registry.front.requests.length = 0;
      const asStored = await registry.pull(client, stored);
      expect(asStored.code, `${client} pulled with a Secret for ${host}`).not.toBe(0);
      expect(asStored.stderr).toMatch(/401|unauthorized|authentication required/i);
      expect(new Set(refusals().map((r) => r.verdict))).toEqual(new Set(['no-credentials']));

      // Only the key moves: the entry the refresher wrote, unchanged, under this registry's name.
      registry.front.requests.length = 0;
      const moved = JSON.stringify({ auths: { [registry.front.host]: (JSON.parse(stored) as DockerConfig).auths[host] } });
      const refused = await registry.pull(client, moved);
      expect(refused.code, `${client} pulled with a token ${name}`).not.toBe(0);
      expect(refused.stderr).toContain('Your Authorization Token is invalid.');
      expect(refusals().map((r) => r.verdict)).toContain(verdict);
      expect(registry.front.requests.some((r) => r.verdict === 'allowed')).toBe(false);
    }
  });
});

describe('pulling while the daemon keeps the Secret fresh', () => {
  const daemons: TrackedProcess[] = [];
  afterEach(async () => {
    await Promise.all(daemons.splice(0).map((d) => d.stop(5_000)));
  });

  systemTest("the Secret still pulls after the first token has expired, while a copy of the first Secret is refused as expired", async ({ startStandIns, home, cli }) => {
    // Tokens that live 16 s, refreshed when 10 s are left: a new token every 6 s or so.
    const { ecr, api } = await startStandIns({ ecr: { tokenLifetimeSeconds: 16 } });
    const shortLived = await startPullRegistry({ oci, image, ecr, accountId: ACCOUNT, region: REGION });
    try {
      const env = daemonEnv(ecr, api, home);
      const daemon = cli.start([], { env });
      daemons.push(daemon);
      const written = () => daemon.logEntries().filter((e) => e.msg === 'secret set refreshed and ready').length;
      await waitFor(() => written() >= 1, { what: `the first write (log ${daemon.stdout().slice(-600)} ${daemon.stderr().slice(-300)})`, timeoutMs: 30_000 });

      const first = await storedDockerConfig('rotating');
      const firstToken = ecr.issued.find((t) => first.includes(t.authorizationToken));
      expect(firstToken).toBeDefined();
      const pulled = await shortLived.pull('crane', first);
      expect(pulled, pulled.stderr).toMatchObject({ code: 0, digest: image.digest, text: image.text });

      const past = firstToken!.expiresAt.getTime() + 500;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, past - Date.now())));
      expect(written()).toBeGreaterThanOrEqual(2);

      for (const client of PULL_CLIENTS) {
        const stale = await shortLived.pull(client, first);
        expect(stale.code, `${client} pulled with an expired token`).not.toBe(0);
        expect(stale.stderr).toContain('Your authorization token has expired. Reauthenticate and try again.');
      }
      expect(shortLived.front.requests.some((r) => r.verdict === 'expired')).toBe(true);

      const current = await storedDockerConfig('rotating');
      expect(current).not.toBe(first);
      expect(hosts(current)).toEqual([shortLived.front.host]);
      for (const client of PULL_CLIENTS) {
        const fresh = await shortLived.pull(client, current);
        expect(fresh, `${client}: ${fresh.stderr}`).toMatchObject({ code: 0, digest: image.digest, text: image.text });
      }
      for (const { password } of ecr.issued) expect(daemon.stdout() + daemon.stderr()).not.toContain(password);
    } finally {
      await shortLived.close();
    }
  });
});

function daemonEnv(ecr: EcrStandIn, api: SecretsApiStandIn, home: string): NodeJS.ProcessEnv {
  const env = refresherEnv({
    ecr,
    api,
    home,
    extra: {
      KUBERNETES_SECRET: `${NS}/rotating`,
      KUBECONFIG: kubeconfig,
      REFRESH_MARGIN: '10s',
      // The schedule stays out of the way: the refresh before expiry is what keeps the Secret live.
      REFRESH_SCHEDULE: '0 0 1 1 *',
      RETRY_INITIAL_DELAY: '1s',
      RETRY_MAX_DELAY: '2s',
    },
  });
  delete env.PCC_API_KEY;
  return env;
}
