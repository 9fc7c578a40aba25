// A target's destination as a tagged value the engine dispatches on. Today's
// configuration names a Pipecat Cloud secret set; a Kubernetes Secret target
// names `kubernetesSecret: { namespace, name }` instead.
import type { TargetConfig } from '../config/config.js';

export type Destination =
  | { kind: 'pipecat'; secretSet: string }
  | { kind: 'kubernetes'; namespace: string; name: string };

export type DestinationKind = Destination['kind'];

type WithKubernetes = TargetConfig & { kubernetesSecret?: { namespace: string; name: string } };

export function destinationOf(target: TargetConfig): Destination {
  const kubernetes = (target as WithKubernetes).kubernetesSecret;
  if (kubernetes) return { kind: 'kubernetes', namespace: kubernetes.namespace, name: kubernetes.name };
  return { kind: 'pipecat', secretSet: target.secretSet };
}
