// The pull-Secret writer against a real kube-apiserver: what `kubectl get
// secret` shows afterwards is what the kubelet would use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../../src/kubernetes/api/create-kube-client.js';
import { confirmPullSecret } from '../../../src/kubernetes/pull-secret/confirm-pull-secret.js';
import { planPullSecret } from '../../../src/kubernetes/pull-secret/plan-pull-secret.js';
import { writePullSecret } from '../../../src/kubernetes/pull-secret/write-pull-secret.js';
import type { KubernetesError } from '../../../src/kubernetes/api/kubernetes-error.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube/start-kube-api-server.js';
import { clientFor } from '../support/client-for.js';
import { createNamespace, getJson, kubectlOk, serviceAccountWith } from '../support/grant.js';
import { failure } from '../support/failure.js';
import { registryEntry, testToken } from '../support/test-token.js';

interface Secret {
  type: string;
  metadata: { resourceVersion: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
}

let kube: KubeApiServer;
let admin: KubeClient;
const NS = 'agents';

beforeAll(async () => {
  kube = await startKubeApiServer();
  admin = clientFor(kube);
  await createNamespace(kube, NS);
});
afterAll(async () => {
  await admin?.close();
  await kube?.stop();
});

describe('writePullSecret on a real API server', () => {
  it('creates the Secret, then updates it in place with the next token', async () => {
    const target = { namespace: NS, name: 'ecr-pull' };
    const first = testToken(1, Date.UTC(2030, 0, 1, 12));
    expect(await writePullSecret({ client: admin, target, token: first })).toMatchObject({ action: 'created', attempts: 1 });
    const created = await getJson<Secret>(kube, ['secret', '-n', NS, 'ecr-pull']);
    expect(created.type).toBe('kubernetes.io/dockerconfigjson');
    expect(created.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'ecr-token-refresher' });
    expect(created.metadata.annotations).toEqual({ 'ecr-token-refresher.pipecat.ai/expires-at': '2030-01-01T12:00:00Z' });
    expect(registryEntry(created)).toEqual({ username: 'AWS', password: first.password, auth: first.authorizationToken });

    const second = testToken(2);
    expect(await writePullSecret({ client: admin, target, token: second })).toMatchObject({ action: 'updated', attempts: 1 });
    const updated = await getJson<Secret>(kube, ['secret', '-n', NS, 'ecr-pull']);
    expect(registryEntry(updated)).toEqual({ username: 'AWS', password: second.password, auth: second.authorizationToken });
    await expect(confirmPullSecret({ client: admin, target, token: second })).resolves.toMatchObject({ metadata: { name: 'ecr-pull' } });
  });

  it("keeps other tools' labels, annotations and data keys", async () => {
    await kubectlOk(kube, ['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'shared', namespace: NS, labels: { team: 'voice' }, annotations: { 'example.com/owner': 'platform' } },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64'), 'notes.txt': Buffer.from('keep').toString('base64') },
    }));
    await writePullSecret({ client: admin, target: { namespace: NS, name: 'shared' }, token: testToken(3) });
    const secret = await getJson<Secret>(kube, ['secret', '-n', NS, 'shared']);
    expect(secret.metadata.labels).toEqual({ team: 'voice', 'app.kubernetes.io/managed-by': 'ecr-token-refresher' });
    expect(secret.metadata.annotations).toMatchObject({ 'example.com/owner': 'platform', 'ecr-token-refresher.pipecat.ai/expires-at': expect.any(String) });
    expect(Buffer.from(secret.data!['notes.txt']!, 'base64').toString()).toBe('keep');
    expect(registryEntry(secret).password).toBe(testToken(3).password);
  });

  it('refuses a Secret of another type without writing to it, and the plan says so', async () => {
    await kubectlOk(kube, ['create', 'secret', 'generic', 'app-config', '-n', NS, '--from-literal=url=postgres://db']);
    const before = await getJson<Secret>(kube, ['secret', '-n', NS, 'app-config']);
    const target = { namespace: NS, name: 'app-config' };
    expect(await planPullSecret(admin, target)).toEqual({
      action: 'refuse',
      code: 'ERR_KUBE_WRONG_SECRET_TYPE',
      problem: 'it has type "Opaque", not kubernetes.io/dockerconfigjson',
      fix: 'point the target at another name, or delete that Secret (kubectl delete secret -n agents app-config) if nothing needs it',
    });
    const error = await failure<KubernetesError>(writePullSecret({ client: admin, target, token: testToken(4) }));
    expect(error).toMatchObject({ code: 'ERR_KUBE_WRONG_SECRET_TYPE', retryable: false });
    expect(error.message).toContain('kubectl delete secret -n agents app-config');
    const after = await getJson<Secret>(kube, ['secret', '-n', NS, 'app-config']);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.data).toEqual(before.data);
  });

  it('a Secret shared with Docker Hub keeps the Docker Hub entry, and the rest of its document, byte for byte after refreshes', async () => {
    const dockerHub = '"https://index.docker.io/v1/": {"username": "team", "password": "hub-pass", "auth": "dGVhbTpodWItcGFzcw==", "email": "caf\\u00e9@example.com"}';
    const document = `{\n  "auths": {\n    ${dockerHub}\n  },\n  "credsStore": "desktop",\n  "credHelpers": {"gcr.io": "gcloud"}\n}\n`;
    await kubectlOk(kube, ['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'shared-hub', namespace: NS },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(document).toString('base64') },
    }));
    const target = { namespace: NS, name: 'shared-hub' };
    for (const n of [20, 21, 22]) {
      const token = testToken(n);
      await writePullSecret({ client: admin, target, token });
      await confirmPullSecret({ client: admin, target, token });
      const stored = Buffer.from((await getJson<Secret>(kube, ['secret', '-n', NS, 'shared-hub'])).data!['.dockerconfigjson']!, 'base64').toString('utf8');
      const ours = JSON.stringify({ username: 'AWS', password: token.password, auth: token.authorizationToken });
      // Exactly the document as it was, with our entry added after Docker Hub's (and on later refreshes, replaced in place).
      expect(stored).toBe(document.replace(dockerHub, `${dockerHub},"${token.registryHost}":${ours}`));
    }
  });

  it('a Secret managed by Helm is refused, naming Helm and the opt-in annotation; once a person adds it, our entry is merged in', async () => {
    const dockerHub = '{"auths":{"https://index.docker.io/v1/":{"auth":"dGVhbTpodWItcGFzcw=="}}}';
    await kubectlOk(kube, ['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'helm-pull', namespace: NS, labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': 'agents' } },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(dockerHub).toString('base64') },
    }));
    const before = await getJson<Secret>(kube, ['secret', '-n', NS, 'helm-pull']);
    const target = { namespace: NS, name: 'helm-pull' };
    const planned = await planPullSecret(admin, target);
    expect(planned).toMatchObject({ action: 'refuse', code: 'ERR_KUBE_FOREIGN_MANAGER', problem: 'it is managed by "Helm" (label app.kubernetes.io/managed-by)' });
    const error = await failure<KubernetesError>(writePullSecret({ client: admin, target, token: testToken(30) }));
    expect(error).toMatchObject({ code: 'ERR_KUBE_FOREIGN_MANAGER', reason: 'config', retryable: false, namespace: NS, resourceName: 'helm-pull' });
    expect(error.message).toContain(`Secret agents/helm-pull at ${admin.endpoint} is not written: it is managed by "Helm"`);
    expect(error.fix).toContain('kubectl annotate secret -n agents helm-pull ecr-token-refresher.pipecat.ai/allow-merge=true');
    expect((await getJson<Secret>(kube, ['secret', '-n', NS, 'helm-pull'])).metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    await kubectlOk(kube, ['annotate', 'secret', '-n', NS, 'helm-pull', 'ecr-token-refresher.pipecat.ai/allow-merge=true']);
    const token = testToken(31);
    expect(await writePullSecret({ client: admin, target, token })).toMatchObject({ action: 'updated' });
    const after = await getJson<Secret>(kube, ['secret', '-n', NS, 'helm-pull']);
    expect(after.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'Helm' });
    expect(registryEntry(after, token.registryHost).password).toBe(token.password);
    const stored = Buffer.from(after.data!['.dockerconfigjson']!, 'base64').toString('utf8');
    expect(stored.startsWith('{"auths":{"https://index.docker.io/v1/":{"auth":"dGVhbTpodWItcGFzcw=="},')).toBe(true);
  });

  it('plans create and update by reading only', async () => {
    expect(await planPullSecret(admin, { namespace: NS, name: 'not-yet' })).toEqual({ action: 'create' });
    await writePullSecret({ client: admin, target: { namespace: NS, name: 'planned' }, token: testToken(5, Date.UTC(2031, 5, 1)) });
    const before = await getJson<Secret>(kube, ['secret', '-n', NS, 'planned']);
    expect(await planPullSecret(admin, { namespace: NS, name: 'planned' })).toEqual({ action: 'update', managedByUs: true, expiresAt: '2031-06-01T00:00:00Z' });
    await expect(kubectlOk(kube, ['get', 'secret', '-n', NS, 'not-yet'])).rejects.toThrow(/NotFound/);
    expect((await getJson<Secret>(kube, ['secret', '-n', NS, 'planned'])).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('retries a real 409 from a concurrent update between its read and its write', async () => {
    const target = { namespace: NS, name: 'contended' };
    await writePullSecret({ client: admin, target, token: testToken(6) });
    let interfered = false;
    // Another writer changes the Secret after our read: our PUT then carries a stale resourceVersion.
    const racing: KubeClient = {
      endpoint: admin.endpoint,
      close: () => admin.close(),
      async send(call) {
        if (call.verb === 'update' && !interfered) {
          interfered = true;
          await kubectlOk(kube, ['label', 'secret', '-n', NS, 'contended', 'racer=was-here']);
        }
        return admin.send(call);
      },
    };
    const result = await writePullSecret({ client: racing, target, token: testToken(7) });
    expect(result).toMatchObject({ action: 'updated', attempts: 2 });
    const secret = await getJson<Secret>(kube, ['secret', '-n', NS, 'contended']);
    expect(secret.metadata.labels).toMatchObject({ racer: 'was-here' });
    expect(registryEntry(secret).password).toBe(testToken(7).password);
  });

  it('reports a Forbidden update once, naming the verb, resource, namespace and the rule to add', async () => {
    const token = await serviceAccountWith(kube, NS, 'no-update', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'create'] }]);
    const limited = clientFor(kube, token);
    const target = { namespace: NS, name: 'limited' };
    try {
      await writePullSecret({ client: limited, target, token: testToken(8) });
      const error = await failure<KubernetesError>(writePullSecret({ client: limited, target, token: testToken(9) }));
      expect(error).toMatchObject({ code: 'ERR_KUBE_FORBIDDEN', status: 403, retryable: false, verb: 'update', resource: 'secrets', namespace: NS });
      expect(error.message).toContain(`Kubernetes update secrets "agents/limited" at ${admin.endpoint} answered HTTP 403`);
      expect(error.message).toContain('the rule {apiGroups: [""], resources: ["secrets"], verbs: ["update"]}');
      expect(registryEntry(await getJson<Secret>(kube, ['secret', '-n', NS, 'limited'])).password).toBe(testToken(8).password);
    } finally {
      await limited.close();
    }
  });

  it('says to check the namespace when it does not exist', async () => {
    const error = await failure<KubernetesError>(writePullSecret({ client: admin, target: { namespace: 'nowhere', name: 'x' }, token: testToken(10) }));
    expect(error).toMatchObject({ code: 'ERR_KUBE_NOT_FOUND', retryable: false, verb: 'create' });
    expect(error.message).toContain('check that namespace "nowhere" exists');
  });

  it('notices at confirmation that someone replaced the credential after the write', async () => {
    const target = { namespace: NS, name: 'overwritten' };
    const token = testToken(11);
    await writePullSecret({ client: admin, target, token });
    const other = Buffer.from(JSON.stringify({ auths: { [token.registryHost]: { username: 'AWS', password: 'other', auth: 'QVdTOm90aGVy' } } })).toString('base64');
    await kubectlOk(kube, ['patch', 'secret', '-n', NS, 'overwritten', '--type=merge', '-p', JSON.stringify({ data: { '.dockerconfigjson': other } })]);
    const error = await failure<KubernetesError>(confirmPullSecret({ client: admin, target, token }));
    expect(error).toMatchObject({ code: 'ERR_KUBE_CONFIRM_MISMATCH', retryable: true });
    expect(error.message).toContain(`the entry for ${token.registryHost} holds another credential`);
    expect(error.message).not.toContain(token.password);
  });
});
