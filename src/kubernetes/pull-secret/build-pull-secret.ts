// The image-pull Secret for one ECR token: the kubelet's dockerconfigjson
// shape, labelled as ours, the expiry in an annotation so `kubectl get secret
// -o yaml` shows when it runs out. Built over an existing Secret, it changes
// only our keys and keeps everyone else's labels, annotations and data, and
// inside `.dockerconfigjson` only our registry's entry.
import type { EcrToken } from '../../ecr/ecr-token.js';
import { mergeDockerConfig } from './merge-docker-config.js';

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGER_NAME = 'ecr-token-refresher';
export const EXPIRES_AT_ANNOTATION = 'ecr-token-refresher.pipecat.ai/expires-at';
/** Set to "true" by a person on a Secret another tool manages, to let us write our registry entry into it. */
export const ALLOW_MERGE_ANNOTATION = 'ecr-token-refresher.pipecat.ai/allow-merge';

export interface PullSecretTarget {
  namespace: string;
  name: string;
}

export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  type?: string;
  data?: Record<string, string>;
  [key: string]: unknown;
}

/** The `.dockerconfigjson` document, as the kubelet reads it. Holds the token. */
export function buildDockerConfigJson(token: EcrToken): string {
  return `{"auths":{${JSON.stringify(token.registryHost)}:${registryEntryJson(token)}}}`;
}

/** One `.dockerconfigjson` with an entry per token (several registries in one Secret). Holds the tokens. */
export function buildMultiRegistryDockerConfigJson(tokens: readonly EcrToken[]): string {
  return `{"auths":{${tokens.map((token) => `${JSON.stringify(token.registryHost)}:${registryEntryJson(token)}`).join(',')}}}`;
}

/** Our entry under `auths`: what the kubelet sends to the registry. Holds the token. */
export function registryEntryJson(token: EcrToken): string {
  const auth = Buffer.from(`AWS:${token.password}`, 'utf8').toString('base64');
  return JSON.stringify({ username: 'AWS', password: token.password, auth });
}

/** The `.dockerconfigjson` value to store, base64 as in a Secret's data: a fresh document, or ours merged into the existing one. */
export function encodedDockerConfig(token: EcrToken, existing?: string): string {
  const document = existing === undefined
    ? Buffer.from(buildDockerConfigJson(token), 'utf8')
    : mergeDockerConfig(Buffer.from(existing, 'base64'), token.registryHost, registryEntryJson(token));
  return document.toString('base64');
}

/** RFC 3339 to the second, the way Kubernetes writes its own timestamps. */
export function formatExpiry(expiresAt: number): string {
  return new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function buildPullSecret(target: PullSecretTarget, token: EcrToken, existing?: SecretObject): SecretObject {
  const metadata = existing?.metadata ?? { name: target.name, namespace: target.namespace };
  const labels = { ...metadata.labels };
  // Another tool that names itself manager keeps its claim; the annotation still marks our writes.
  if (!labels[MANAGED_BY_LABEL]) labels[MANAGED_BY_LABEL] = MANAGER_NAME;
  return {
    ...existing,
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      ...metadata,
      labels,
      annotations: { ...metadata.annotations, [EXPIRES_AT_ANNOTATION]: formatExpiry(token.expiresAt) },
    },
    type: DOCKER_CONFIG_JSON_TYPE,
    data: { ...existing?.data, [DOCKER_CONFIG_JSON_KEY]: encodedDockerConfig(token, existing?.data?.[DOCKER_CONFIG_JSON_KEY]) },
  };
}
