// The demo's proof that images pull: when `crane` is installed (scripts/install-test-tools puts
// it in .tools/bin), a real registry (`crane registry serve`) holding a test image, behind the
// ECR-like front that lets through only a live token the ECR stand-in issued. After a refresh
// crane pulls the image with exactly what the image pull secret set holds; then the token of the
// first refresh, seen by the registry at its expiry (the front's clock moved on by the token's
// life), is refused as expired. Without crane the demo runs as before and says how to get it.
import type { EcrStandIn } from '../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../stand-ins/secrets-api-stand-in.js';
import { findTool } from '../test/support/find-tool.js';
import { startOciRegistry, type OciRegistry } from '../test/pull/support/start-oci-registry.js';
import { startPullRegistry, type PullRegistry } from '../test/pull/support/start-pull-registry.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

export interface DemoRegistry {
  ref: string;
  /** The image pull secret set as the platform uses it: `{"auths": {<host>: {"auth": <secretValue>}}}`. */
  documentOf(setName: string): string | undefined;
  /** Pulls with the set's stored credentials and says what happened. */
  showPull(setName: string, say: (text: string) => void): Promise<void>;
  /** Pulls with `document` as the registry will see it `aheadMs` from now, and says what happened. */
  showStalePull(document: string, aheadMs: number, say: (text: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** A registry to pull from, or undefined (after saying why in one line) when crane is not installed or it did not start. */
export async function startDemoRegistry(deps: { ecr: EcrStandIn; api: SecretsApiStandIn; say: (text: string) => void }): Promise<DemoRegistry | undefined> {
  try {
    findTool('crane');
  } catch {
    deps.say('pull proof:              skipped: crane is not installed (scripts/install-test-tools puts it in .tools/bin)');
    return undefined;
  }
  let oci: OciRegistry | undefined;
  let registry: PullRegistry | undefined;
  let aheadMs = 0;
  try {
    oci = await startOciRegistry();
    const image = await oci.pushTestImage('agents/voice-bot:v1');
    registry = await startPullRegistry({ oci, image, ecr: deps.ecr, accountId: ACCOUNT, region: REGION, now: () => Date.now() + aheadMs });
  } catch (error) {
    // The pull proof is an extra: without it the demo still shows the refresher at work.
    await registry?.close();
    await oci?.stop();
    deps.say(`pull proof:              skipped: the local registry did not start (${(error as Error).message.split('\n')[0]})`);
    return undefined;
  }
  const pullRegistry = registry;
  const ociRegistry = oci;
  deps.say(`registry (ECR's front):  ${pullRegistry.front.host} over crane registry serve, holding ${describeImage(pullRegistry)}`);
  const documentOf = (setName: string) => {
    const set = deps.api.getSet(setName);
    return set?.host && set.secretValue ? JSON.stringify({ auths: { [set.host]: { auth: set.secretValue } } }) : undefined;
  };
  const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
  return {
    ref: pullRegistry.ref,
    documentOf,
    async showPull(setName, say) {
      const document = documentOf(setName);
      if (!document) return;
      const pulled = await pullRegistry.pull('crane', document);
      say(
        pulled.code === 0
          ? `--- crane pulled ${pullRegistry.ref} with what "${setName}" holds: ${pulled.digest}`
          : `--- crane could NOT pull ${pullRegistry.ref} with what "${setName}" holds: ${lastLine(pulled.stderr)}`,
      );
    },
    async showStalePull(document, ahead, say) {
      aheadMs = ahead;
      try {
        const pulled = await pullRegistry.pull('crane', document);
        say(
          pulled.code === 0
            ? '--- the token the set held before was NOT refused after its expiry'
            : `--- the token the set held before, presented after its expiry: refused (${lastLine(pulled.stderr).replace(/^.*?(denied: )/i, '$1')})`,
        );
      } finally {
        aheadMs = 0;
      }
    },
    async close() {
      await pullRegistry.close();
      await ociRegistry.stop();
    },
  };
}

const describeImage = (registry: PullRegistry) => `${registry.image.name} (${registry.image.digest.slice(0, 19)}…)`;
