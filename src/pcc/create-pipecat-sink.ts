// The Pipecat Cloud secrets API as a sink. A batch lists the sets once (for
// the `auto` format and the refusals in resolveFormat), PUTs each set in the
// resolved shape, and confirms through one readiness watcher whose polls serve
// every set waiting, telling it each set's status from before the PUT.
import type { Clock, Timers } from '../schedule/clock.js';
import { endpointOf } from '../errors/outbound-error.js';
import type { Sink, SinkPlan } from '../sink/sink.js';
import { buildSecretBody, redactSecretBody } from './build-secret-body.js';
import { createReadinessWatcher } from './create-readiness-watcher.js';
import type { SecretsClient } from './create-secrets-client.js';
import { resolveFormat } from './resolve-format.js';
import type { SecretBody, SecretSetStatus, SecretSetSummary } from './secret-set.js';

export interface PipecatPlan extends SinkPlan {
  body: SecretBody;
  /** The set's status in this cycle's list, taken before the PUT; undefined when the PUT creates it. */
  before?: SecretSetStatus;
}

export function createPipecatSink(deps: { secrets: SecretsClient; clock: Clock; timers: Timers }): Sink<PipecatPlan> {
  const watcher = createReadinessWatcher(deps);
  return {
    describe: (target) => ({ kind: 'pipecat', name: target.secretSet, endpoint: endpointOf(deps.secrets.setUrl(target.secretSet)) }),
    info: (target) => ({ format: target.format, pccRegion: target.pccRegion }),
    batch() {
      let listing: Promise<SecretSetSummary[]> | undefined;
      return {
        async plan(target, token) {
          listing ??= deps.secrets.listSets();
          const existing = (await listing).find((set) => set.name === target.secretSet);
          const resolved = resolveFormat(target, existing);
          const body = buildSecretBody(resolved.format, token, resolved.region);
          return {
            target,
            token,
            body,
            before: existing?.status,
            creating: resolved.creating,
            details: {
              registry: token.registryHost,
              format: resolved.format,
              created: resolved.creating,
              region: existing?.region ?? resolved.region,
              ...(existing && { previousStatus: existing.status }),
            },
            notes: existing?.status === 'failed' ? [failedNote(existing)] : undefined,
            preview: {
              method: 'PUT',
              url: deps.secrets.setUrl(target.secretSet),
              headers: { authorization: 'Bearer [REDACTED]', 'content-type': 'application/json' },
              body: redactSecretBody(body),
            },
          };
        },
        publish: (plan) => deps.secrets.putSet(plan.target.secretSet, plan.body),
        async confirm(plan, timeoutMs) {
          const { confirmation } = await watcher.waitReady(plan.target.secretSet, timeoutMs, plan.before);
          // On the success log line: what the confirmation rests on (see readiness-verdict.ts).
          plan.details.confirmation = confirmation;
        },
      };
    },
    stop: () => watcher.stop(),
  };
}

/** A set whose last provisioning failed: a refresh re-sends it, but the cause may still be there. */
function failedNote(set: SecretSetSummary) {
  return {
    code: 'ERR_SET_FAILED',
    reason: 'provisioning_failed',
    message: `secret set "${set.name}" reports its last provisioning failed${set.errorMessage ? `: ${set.errorMessage}` : ''}`,
    fix: 'a refresh sends it again; if it fails again, look at the set in the Pipecat Cloud dashboard',
  };
}
