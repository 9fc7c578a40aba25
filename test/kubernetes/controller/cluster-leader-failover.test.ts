// Cluster-wide pull Secrets behind leader election, with the built CLI: only
// the leader watches and writes; when it is SIGKILLed, a namespace created
// while nobody leads is served by the standby once it takes over, since a
// new leader lists everything afresh.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect } from 'vitest';
import { stringify } from 'yaml';
import type { EcrStandIn } from '../../../stand-ins/ecr-stand-in.js';
import type { BuiltCli } from '../../support/create-built-cli.js';
import type { TrackedProcess } from '../../support/create-process-tracker.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { systemTest } from '../../support/system-test.js';
import { waitFor } from '../../support/wait-for.js';
import { createNamespace, kubectlOk } from '../support/grant.js';
import { registryEntry } from '../support/test-token.js';

const LEASE_ENV = { LEADER_ELECTION_LEASE_DURATION: '4s', LEADER_ELECTION_RENEW_DEADLINE: '2s', LEADER_ELECTION_RETRY_PERIOD: '500ms' };
let kube: KubeApiServer;
let ecrStandIn: EcrStandIn;

systemTest.beforeAll(async ({ ecr }) => {
  ecrStandIn = ecr;
  kube = await startKubeApiServer();
  await createNamespace(kube, 'leases');
  await createNamespace(kube, 'lf-a');
}, 120_000);
afterAll(async () => {
  await kube?.stop();
});
const daemons: TrackedProcess[] = [];
afterEach(async () => {
  const ended = daemons.splice(0);
  await Promise.all(ended.map((d) => d.stop(5_000)));
  for (const d of ended) for (const { password } of ecrStandIn.issued) expect(d.stdout() + d.stderr()).not.toContain(password);
});

function daemon(cli: BuiltCli, cliEnv: (extra: Record<string, string>) => NodeJS.ProcessEnv, home: string, identity: string): TrackedProcess {
  const config = join(home, 'cluster.yaml');
  writeFileSync(config, stringify({ awsRegion: 'us-east-1', targets: [{ kubernetesSecret: { name: 'ecr-pull', namespaces: ['lf-*'] } }] }));
  const env = cliEnv({
    KUBECONFIG: kube.writeKubeconfig(`daemon-${identity}`, { token: kube.adminToken }),
    LEADER_ELECTION: 'true',
    LEADER_ELECTION_NAMESPACE: 'leases',
    LEADER_ELECTION_LEASE_NAME: 'cluster',
    POD_NAME: identity,
    ...LEASE_ENV,
  });
  delete env.PCC_API_KEY;
  delete env.PCC_SECRET_SET;
  const started = cli.start(['--config', config], { env });
  daemons.push(started);
  return started;
}

const seen = (d: TrackedProcess, msg: string) => d.logEntries().find((e) => e.msg === msg);
async function password(namespace: string): Promise<string | undefined> {
  const result = await kube.kubectl(['get', 'secret', '-n', namespace, 'ecr-pull', '-o', 'json']);
  return result.code === 0 ? registryEntry(JSON.parse(result.stdout) as { data: Record<string, string> }).password : undefined;
}

describe('cluster-wide pull Secrets under leader election', () => {
  systemTest('SIGKILL of the leader: a namespace created while nobody leads is served by the new leader', async ({ cli, cliEnv, home }) => {
    const a = daemon(cli, cliEnv, home, 'pod-a');
    await waitFor(async () => (await password('lf-a')) !== undefined || undefined, { what: `pod-a serving lf-a (log ${a.stdout().slice(-800)})`, timeoutMs: 30_000 });
    const b = daemon(cli, cliEnv, home, 'pod-b');
    await waitFor(() => seen(b, 'lease held by another replica: standing by'), { what: `pod-b standing by (log ${b.stdout().slice(-800)})`, timeoutMs: 20_000 });

    // The standby neither watches nor writes: a namespace created now is served by pod-a.
    await kubectlOk(kube, ['create', 'namespace', 'lf-b']);
    await waitFor(async () => (await password('lf-b')) !== undefined || undefined, { what: 'pod-a serving lf-b', timeoutMs: 10_000 });
    expect(b.stdout()).not.toContain('pull Secret created');

    a.child.kill('SIGKILL');
    await a.exited;
    const killedAt = Date.now();
    await kubectlOk(kube, ['create', 'namespace', 'lf-gap']);
    await waitFor(async () => (await password('lf-gap')) !== undefined || undefined, { what: `pod-b serving lf-gap (log ${b.stdout().slice(-1500)})`, timeoutMs: 30_000 });
    console.info(`namespace created during the fail-over gap served ${Date.now() - killedAt} ms after SIGKILL (lease 4 s)`);
    // The new leader minted its own token and brought every namespace to it.
    const latest = ecrStandIn.issued.at(-1)!.password;
    await waitFor(async () => ((await password('lf-a')) === latest && (await password('lf-b')) === latest) || undefined, { what: 'every namespace on the new token', timeoutMs: 10_000 });
    expect(await password('lf-gap')).toBe(latest);
  }, 90_000);
});
