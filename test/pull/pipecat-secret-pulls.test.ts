// Images pull with what a Pipecat Cloud secret set holds after a `--once` run, used the way the
// platform uses it: an image pull secret becomes `{"auths": {<host>: {"auth": <secretValue>}}}`;
// a regular set's username, password and registry become `{"auths": {<registry>: {"auth":
// base64(<username>:<password>)}}}` (skopeo and podman read only `auth`). crane and skopeo
// pull the test image with that document from an ECR-like registry under its own name.
import { afterAll, describe, expect } from 'vitest';
import type { SecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import type { BuiltCli } from '../support/create-built-cli.js';
import { systemTest } from '../support/system-test.js';
import { PULL_CLIENTS } from './support/pull-with.js';
import { startOciRegistry, type OciRegistry, type TestImage } from './support/start-oci-registry.js';
import { startPullRegistry, type PullRegistry } from './support/start-pull-registry.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

let oci: OciRegistry;
let image: TestImage;
let registry: PullRegistry;
let secretsApi: SecretsApiStandIn;

systemTest.override({ standInOptions: { api: { provisioningDelayMs: 50 } } });
systemTest.beforeAll(async ({ ecr, api }) => {
  secretsApi = api;
  oci = await startOciRegistry();
  image = await oci.pushTestImage('agents/voice-bot:v2');
  registry = await startPullRegistry({ oci, image, ecr, accountId: ACCOUNT, region: REGION });
}, 60_000);
afterAll(async () => {
  await registry?.close();
  await oci?.stop();
});

async function refreshOnce(cli: BuiltCli, env: NodeJS.ProcessEnv, secretSet: string) {
  const run = await cli.run(['--once'], { env, timeoutMs: 60_000 });
  expect(run.code, `--once exited ${run.code}: ${run.stderr.slice(-800)} ${run.stdout.slice(-800)}`).toBe(0);
  const set = secretsApi.getSet(secretSet);
  expect(set?.status).toBe('ready');
  return set!;
}

async function expectPulls(document: string) {
  for (const client of PULL_CLIENTS) {
    const pulled = await registry.pull(client, document);
    expect(pulled, `${client}: ${pulled.stderr}`).toMatchObject({ code: 0, digest: image.digest, text: image.text });
  }
  expect(registry.front.requests.filter((r) => r.verdict === 'allowed').length).toBeGreaterThanOrEqual(4);
  expect(new Set(registry.front.requests.filter((r) => r.verdict !== 'allowed').map((r) => r.verdict))).toEqual(new Set(['no-credentials']));
  registry.front.requests.length = 0;
}

describe('pulling with a Pipecat Cloud secret set the refresher filled', () => {
  systemTest('an image pull secret: its host and secretValue as the auths entry pull with crane and skopeo', async ({ cli, cliEnv }) => {
    const set = await refreshOnce(cli, cliEnv({ PCC_SECRET_SET: 'voice-pull', PCC_SECRET_FORMAT: 'image-pull-secret' }), 'voice-pull');
    expect(set.type).toBe('imagePullSecret');
    // The API takes a URI and adds the trailing slash; clients reduce such a key to its host.
    expect(set.host).toBe(`https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/`);
    await expectPulls(JSON.stringify({ auths: { [set.host!]: { auth: set.secretValue } } }));
  });

  systemTest('a regular set: username, password and registry as the auths entry pull with crane and skopeo', async ({ cli, cliEnv }) => {
    const set = await refreshOnce(cli, cliEnv({ PCC_SECRET_SET: 'voice-triplet', PCC_SECRET_FORMAT: 'triplet' }), 'voice-triplet');
    const { username, password, registry: host } = set.secrets ?? {};
    expect(username).toBe('AWS');
    // The bare registry host: no scheme, no path.
    expect(host).toBe(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`);
    await expectPulls(JSON.stringify({ auths: { [host!]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }));
  });
});
