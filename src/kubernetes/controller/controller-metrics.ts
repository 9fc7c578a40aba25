// The series of cluster-wide pull Secret targets. Their number does not grow
// with the namespaces: each is per target (the `secret_set` label, the
// target's name) and, for failures, per Event reason. Which namespace is
// behind is told by its Events and the log.
import { Counter, Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '../../metrics/create-metrics.js';
import type { ControllerObserver, NamespaceController } from './create-namespace-controller.js';

export function createControllerMetrics(registry: Registry, controllers: ReadonlyMap<string, NamespaceController>) {
  const registers = [registry];
  const status = (pick: 'selected' | 'inSync' | 'outOfSync') =>
    function collect(this: Gauge<'secret_set'>) {
      this.reset();
      for (const [target, controller] of controllers) this.set({ secret_set: target }, controller.status()[pick]);
    };
  new Gauge({ name: `${METRIC_PREFIX}kubernetes_namespaces_selected`, help: 'Namespaces a cluster-wide pull Secret target selects.', labelNames: ['secret_set'], registers, collect: status('selected') });
  new Gauge({ name: `${METRIC_PREFIX}kubernetes_namespaces_in_sync`, help: 'Selected namespaces whose pull Secret and ServiceAccounts hold the current token.', labelNames: ['secret_set'], registers, collect: status('inSync') });
  new Gauge({ name: `${METRIC_PREFIX}kubernetes_namespaces_out_of_sync`, help: 'Selected namespaces whose pull Secret or ServiceAccounts do not (yet) hold the current token.', labelNames: ['secret_set'], registers, collect: status('outOfSync') });
  const patched = new Counter({ name: `${METRIC_PREFIX}kubernetes_service_accounts_patched_total`, help: 'ServiceAccount imagePullSecrets edits (our entry added or removed).', labelNames: ['secret_set'], registers });
  const repairs = new Counter({ name: `${METRIC_PREFIX}kubernetes_drift_repairs_total`, help: 'Pull Secrets restored after someone deleted or altered them.', labelNames: ['secret_set'], registers });
  const restarts = new Counter({ name: `${METRIC_PREFIX}kubernetes_watch_restarts_total`, help: 'Watches ended by a fault, or listed again after 410 Gone.', labelNames: ['secret_set', 'resource'], registers });
  const failures = new Counter({ name: `${METRIC_PREFIX}kubernetes_namespace_failures_total`, help: 'Namespaces a write failed in, by the reason of their Event.', labelNames: ['secret_set', 'reason'], registers });

  return {
    observerFor(target: string): ControllerObserver {
      for (const counter of [patched, repairs]) counter.inc({ secret_set: target }, 0);
      return {
        wrote(write, drift) {
          if (write === 'patch-service-account') patched.inc({ secret_set: target });
          if (drift) repairs.inc({ secret_set: target });
        },
        failed: (reason) => failures.inc({ secret_set: target, reason }),
        watchRestarted: (resource) => restarts.inc({ secret_set: target, resource }),
      };
    },
  };
}
