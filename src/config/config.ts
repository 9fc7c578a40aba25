// The validated configuration the rest of the program runs on. Built only by
// loadConfig; every duration is in milliseconds.
import type { NamespaceSelection } from '../kubernetes/controller/selection.js';
import type { MintKey } from '../ecr/ecr-token.js';

export type SecretFormat = 'auto' | 'triplet' | 'image-pull-secret';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Where a target's token goes: exactly one destination per target. */
export type TargetDestination =
  | { kind: 'pipecat'; secretSet: string }
  | { kind: 'kubernetes'; namespace: string; name: string }
  | { kind: 'kubernetes-cluster'; selection: NamespaceSelection; registries?: MintKey[] };

export interface TargetConfig {
  destination: TargetDestination;
  /**
   * The target's name in logs, outcomes and metrics (whose label keeps its
   * documented name, `secret_set`, for every kind of target): the secret set
   * for a Pipecat Cloud target, `namespace/name` for a Kubernetes Secret.
   * Unique across targets.
   */
  name: string;
  /** Pipecat Cloud targets only; `image-pull-secret` (the dockerconfigjson form) for Kubernetes ones. */
  format: SecretFormat;
  pccRegion?: string;
  awsRegion: string;
  registryId?: string;
  roleArn?: string;
}

export interface Config {
  /** Secrets API base URL, without a trailing slash. */
  apiUrl: string;
  /** Never logged. Absent when no target is a Pipecat Cloud secret set. */
  apiKey?: string;
  /** At least one; each name is unique. */
  targets: TargetConfig[];
  /** Cron expression accepted by node-cron. */
  schedule: string;
  scheduleJitterMs: number;
  refreshMarginMs: number;
  confirmTimeoutMs: number;
  requestTimeoutMs: number;
  pushConcurrency: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  metricsPort: number;
  metricsHost: string;
  logLevel: LogLevel;
  /** Without credentials: they are moved to pushgatewayAuth. */
  pushgatewayUrl?: string;
  pushgatewayAuthFile?: string;
  /** Never logged: the password is registered with the log scrubber. */
  pushgatewayAuth?: BasicAuth;
  alertWebhookUrl?: string;
  shutdownTimeoutMs: number;
  leaderElection: LeaderElectionConfig;
  kubernetes: KubernetesConnectionConfig;
}

export interface BasicAuth {
  username: string;
  password: string;
}

export interface LeaderElectionConfig {
  enabled: boolean;
  /** Unset: POD_NAMESPACE was not set either; the engine reads the service account's namespace file. */
  namespace?: string;
  leaseName: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** From POD_NAME; unset means the hostname. */
  identity?: string;
}

export interface KubernetesConnectionConfig {
  /** From KUBECONFIG; unset means in-cluster (service account files + KUBERNETES_SERVICE_HOST/_PORT). */
  kubeconfig?: string;
  serviceAccountDir: string;
  /** Client-side rate limit of Kubernetes API requests (KUBERNETES_QPS, KUBERNETES_BURST). */
  qps?: number;
  burst?: number;
}
