// Settings for Kubernetes: leader election (a coordination.k8s.io Lease, so
// that of several replicas only one refreshes) and how to reach the API
// server. Namespaces and the identity left unset here are resolved at run
// time (POD_NAMESPACE, the service account's namespace file, the hostname).
import type { Setting } from './setting.js';

const positive = (ms: number) => (ms <= 0 ? 'must be longer than 0: use a duration like 2s' : undefined);

export const LEADER_ELECTION_SETTINGS: readonly Setting[] = [
  { key: 'leaderElection.enabled', env: 'LEADER_ELECTION', kind: 'boolean', field: 'enabled', default: 'false', help: 'hold a Lease so that only one replica refreshes (daemon only)' },
  { key: 'leaderElection.namespace', env: 'LEADER_ELECTION_NAMESPACE', kind: 'dns-label', field: 'namespace', help: "namespace of the Lease; default POD_NAMESPACE, else the pod's own" },
  { key: 'leaderElection.leaseName', env: 'LEADER_ELECTION_LEASE_NAME', kind: 'dns-subdomain', field: 'leaseName', default: 'ecr-token-refresher', help: 'name of the Lease' },
  { key: 'leaderElection.leaseDuration', env: 'LEADER_ELECTION_LEASE_DURATION', kind: 'duration', field: 'leaseDurationMs', default: '15s', help: 'how long a standby waits before taking over', check: positive },
  { key: 'leaderElection.renewDeadline', env: 'LEADER_ELECTION_RENEW_DEADLINE', kind: 'duration', field: 'renewDeadlineMs', default: '10s', help: 'the leader stops writing when it cannot renew for this long', check: positive },
  { key: 'leaderElection.retryPeriod', env: 'LEADER_ELECTION_RETRY_PERIOD', kind: 'duration', field: 'retryPeriodMs', default: '2s', help: 'how often to try to acquire or renew the Lease', check: positive },
];

export const KUBERNETES_SETTINGS: readonly Setting[] = [
  { env: 'KUBECONFIG', kind: 'path', field: 'kubeconfig', help: 'kubeconfig file for the API server; unset = in-cluster' },
  {
    env: 'KUBERNETES_SERVICE_ACCOUNT_DIR',
    kind: 'path',
    field: 'serviceAccountDir',
    default: '/var/run/secrets/kubernetes.io/serviceaccount',
    help: 'in-cluster token, ca.crt and namespace files',
  },
  { env: 'KUBERNETES_QPS', kind: 'integer', field: 'qps', min: 1, max: 1000, default: '20', help: 'API requests a second, on average (client-side limit, like client-go)' },
  { env: 'KUBERNETES_BURST', kind: 'integer', field: 'burst', min: 1, max: 1000, default: '40', help: 'API requests allowed at once above the average' },
  { env: 'POD_NAME', kind: 'text', example: 'ecr-token-refresher-7d9c-x2x4q', field: 'podName', help: 'leader election identity; default the hostname' },
  { env: 'POD_NAMESPACE', kind: 'dns-label', field: 'podNamespace', help: 'default namespace of the Lease' },
];
