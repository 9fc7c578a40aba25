// Cluster-wide pull Secret targets as a sink. `plan` reads only the cache
// (the watches', or one list per cycle in --once) and says what each
// namespace would get, and the RBAC that needs; `publish` hands the token to
// the target's controller, which writes every namespace that needs it once;
// `confirm` checks, from the same cache, that each selected namespace's
// Secret carries the token (with watches: as the write events arrive,
// nothing read again). A target's extra `registries` are minted here, once
// per cycle (a batch) for every cluster-wide target that lists them.
import type { TargetConfig } from '../../config/config.js';
import type { TokenMinter } from '../../ecr/create-token-minter.js';
import { mintKeyId, type EcrToken, type MintKey } from '../../ecr/ecr-token.js';
import type { Sink, SinkPlan } from '../../sink/sink.js';
import type { Timers } from '../../schedule/clock.js';
import { KubernetesError, isKubernetesError } from '../api/kubernetes-error.js';
import { pullSecretSecrets } from '../pull-secret/pull-secret-secrets.js';
import type { NamespaceController } from './create-namespace-controller.js';
import type { NamespaceWrite } from './namespace-plan.js';
import { rbacRules } from './rbac-rules.js';

export interface ClusterPlan extends SinkPlan {
  controller: NamespaceController;
  /** The target's token first, then one per further registry. */
  tokens: EcrToken[];
}

const CONFIRM_POLL_MS = 100;

export function createClusterSink(deps: {
  controllers: ReadonlyMap<string, NamespaceController>;
  endpoint: string;
  server: string;
  timers: Timers;
  /** Mints the further registries of a target; the cycle has minted its own. */
  mint: TokenMinter;
  /** Told every token minted here, for the log scrubber. */
  onToken?: (token: EcrToken) => void;
  onSecret?: (value: string) => void;
}): Sink<ClusterPlan> {
  const controllerOf = (target: TargetConfig) => {
    const controller = deps.controllers.get(target.name);
    if (!controller) throw new Error(`target ${target.name} is not a cluster-wide pull Secret`);
    return controller;
  };
  const stopping = new AbortController();

  return {
    describe: (target) => ({ kind: 'kubernetes', name: target.name, endpoint: deps.endpoint }),
    info: () => ({ format: 'image-pull-secret' }),
    batch: () => {
      const minted = new Map<string, Promise<EcrToken>>();
      const mintOnce = (key: MintKey) => {
        const id = mintKeyId(key);
        let token = minted.get(id);
        if (!token) {
          token = deps.mint(key).then((fresh) => (deps.onToken?.(fresh), fresh));
          minted.set(id, token);
        }
        return token;
      };
      return {
      async plan(target, token) {
        const controller = controllerOf(target);
        const destination = target.destination;
        const further = destination.kind === 'kubernetes-cluster' ? (destination.registries ?? []).filter((key) => mintKeyId(key) !== mintKeyId(target)) : [];
        // --dry-run plans with an unminted token when the cycle's mint failed: mint nothing more then.
        const tokens = [token, ...(token.password ? await Promise.all(further.map(mintOnce)) : [])];
        for (const each of tokens) for (const value of pullSecretSecrets(each)) deps.onSecret?.(value);
        await controller.sync();
        const namespaces = controller.plan(tokens);
        const count = (kind: NamespaceWrite['kind']) => namespaces.reduce((n, ns) => n + ns.writes.filter((w) => w.kind === kind).length, 0);
        const { selection } = controller;
        return {
          target,
          token,
          tokens,
          controller,
          creating: count('create-secret') > 0,
          details: {
            registry: tokens.map((each) => each.registryHost).join(','),
            format: 'image-pull-secret',
            namespaces: controller.status().selected,
            create: count('create-secret'),
            update: count('update-secret'),
            prune: count('delete-secret'),
            patchServiceAccounts: count('patch-service-account'),
          },
          preview: {
            method: 'PATCH',
            url: `${deps.server}/api/v1/namespaces/*/secrets/${encodeURIComponent(selection.name)}`,
            headers: { authorization: 'Bearer [REDACTED]', 'content-type': 'application/merge-patch+json' },
            body: {
              namespaces: namespaces.map(({ namespace, writes }) => ({ namespace, writes: writes.map(describeWrite) })),
              rbac: rbacRules(selection),
              data: { '.dockerconfigjson': `[REDACTED ${token.password.length} chars]` },
            },
          },
        };
      },
      async publish(plan, fence) {
        const failures = await plan.controller.publish(plan.tokens, fence);
        if (failures.length === 0) return;
        const [first] = failures;
        const error = first!.error;
        const retryable = failures.some((f) => (f.error as { retryable?: boolean }).retryable !== false);
        const summary = `${failures.length} namespace${failures.length === 1 ? '' : 's'} not brought up to date (${failures.map((f) => f.namespace).slice(0, 5).join(', ')}${failures.length > 5 ? ', …' : ''}); each has an Event saying why. First: ${(error as Error).message}`;
        if (!isKubernetesError(error)) throw error;
        throw new KubernetesError(summary, {
          endpoint: error.endpoint,
          verb: error.verb,
          resource: error.resource,
          namespace: first!.namespace,
          code: error.code,
          reason: error.reason,
          retryable,
          status: error.status,
          ...(error.fix && { fix: error.fix }),
          cause: error,
        });
      },
      async confirm(plan, timeoutMs) {
        const { controller, tokens } = plan;
        const deadline = Date.now() + timeoutMs;
        if (!controller.watching()) await controller.sync();
        for (;;) {
          const behind = controller.outOfSync(tokens);
          if (behind.length === 0) return;
          if (Date.now() >= deadline || !controller.watching()) {
            throw new KubernetesError(`${behind.length} selected namespace${behind.length === 1 ? '' : 's'} do not hold the token just written (${behind.slice(0, 5).join(', ')})`, {
              endpoint: deps.endpoint,
              verb: 'get',
              resource: 'secrets',
              namespace: behind[0]!,
              name: controller.selection.name,
              code: 'ERR_KUBE_CONFIRM_MISMATCH',
              reason: 'bad_response',
              retryable: true,
            });
          }
          await new Promise<void>((resolve) => {
            const handle = deps.timers.setTimeout(resolve, CONFIRM_POLL_MS);
            stopping.signal.addEventListener('abort', () => (deps.timers.clearTimeout(handle), resolve()), { once: true });
          });
        }
      },
      };
    },
    stop: () => stopping.abort(),
  };
}

function describeWrite(write: NamespaceWrite): string {
  switch (write.kind) {
    case 'create-secret':
      return 'create Secret';
    case 'update-secret':
      return 'update Secret';
    case 'delete-secret':
      return 'prune Secret';
    case 'patch-service-account':
      return `${write.adding ? 'add to' : 'remove from'} ServiceAccount ${write.name}`;
  }
}
