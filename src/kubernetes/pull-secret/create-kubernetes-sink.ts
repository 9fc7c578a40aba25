// Kubernetes image-pull Secrets as a sink. `plan` reads the Secret (create,
// update, or refuse one of another type), `publish` writes it with the
// conflict rules of writePullSecret (under the term's fence, with leader
// election), `confirm` reads it back and checks the token. Every form the
// token takes in a Secret is handed to `onSecret` (the log scrubber) before
// it can appear anywhere. Nothing is shared between the targets of a cycle:
// each Secret is one read and one write.
import type { TargetConfig } from '../../config/config.js';
import type { Sink, SinkPlan } from '../../sink/sink.js';
import { buildPullSecret, DOCKER_CONFIG_JSON_KEY, type PullSecretTarget } from './build-pull-secret.js';
import { confirmPullSecret } from './confirm-pull-secret.js';
import type { KubeClient } from '../api/create-kube-client.js';
import { planPullSecret } from './plan-pull-secret.js';
import { pullSecretSecrets } from './pull-secret-secrets.js';
import { refusalError } from './refuse-foreign-secret.js';
import { writePullSecret } from './write-pull-secret.js';

export interface KubernetesPlan extends SinkPlan {
  secret: PullSecretTarget;
}

export function secretOf(target: TargetConfig): PullSecretTarget {
  const destination = target.destination;
  if (destination.kind !== 'kubernetes') throw new Error(`target ${target.name} is not a Kubernetes Secret`);
  return { namespace: destination.namespace, name: destination.name };
}

export function createKubernetesSink(deps: { client: KubeClient; server: string; onSecret?: (value: string) => void }): Sink<KubernetesPlan> {
  const { client, onSecret } = deps;
  return {
    describe: (target) => {
      const { namespace, name } = secretOf(target);
      return { kind: 'kubernetes', name: `${namespace}/${name}`, endpoint: client.endpoint };
    },
    info: () => ({ format: 'image-pull-secret' }),
    batch: () => ({
      async plan(target, token) {
        const secret = secretOf(target);
        for (const value of pullSecretSecrets(token)) onSecret?.(value);
        const planned = await planPullSecret(client, secret);
        if (planned.action === 'refuse') throw refusalError(secret, client.endpoint, planned);
        const creating = planned.action === 'create';
        const body = buildPullSecret(secret, token);
        const collection = `${deps.server}/api/v1/namespaces/${encodeURIComponent(secret.namespace)}/secrets`;
        return {
          target,
          token,
          secret,
          creating,
          details: { registry: token.registryHost, format: 'image-pull-secret', created: creating, secret: `${secret.namespace}/${secret.name}` },
          preview: {
            method: creating ? 'POST' : 'PUT',
            url: creating ? collection : `${collection}/${encodeURIComponent(secret.name)}`,
            headers: { authorization: 'Bearer [REDACTED]', 'content-type': 'application/json' },
            // The token's length, as for the other sinks (0 when --dry-run could not mint one).
            body: { ...body, data: { [DOCKER_CONFIG_JSON_KEY]: `[REDACTED ${token.password.length} chars]` } },
          },
        };
      },
      publish: async (plan, fence) => void (await writePullSecret({ client, target: plan.secret, token: plan.token, fence, onSecret })),
      confirm: async (plan) => void (await confirmPullSecret({ client, target: plan.secret, token: plan.token })),
    }),
    stop: () => undefined,
  };
}
