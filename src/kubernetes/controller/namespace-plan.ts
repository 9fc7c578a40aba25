// What one namespace needs, decided from the cache alone (pure): the slim
// forms the watches keep of a namespace, our Secret and the ServiceAccounts,
// and the list of writes that bring the namespace to the wanted state. A
// selected namespace gets the Secret with the current token and our entry in
// each matching ServiceAccount's imagePullSecrets; a namespace that stops
// matching loses both (with prune). ServiceAccount edits touch only our own
// entry, keep everyone else's in order, and never add it twice.
import { createHash } from 'node:crypto';
import type { EcrToken } from '../../ecr/ecr-token.js';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, registryEntryJson, type SecretObject } from '../pull-secret/build-pull-secret.js';
import { selectsNamespace, selectsServiceAccount, type NamespaceSelection } from './selection.js';

export interface NamespaceState {
  name: string;
  /** Only the labels the selector reads. */
  labels: Record<string, string>;
  terminating: boolean;
}

export interface SecretState {
  namespace: string;
  name: string;
  resourceVersion: string;
  /** Per registry host in `.dockerconfigjson`: a digest of its entry (never the credential itself). */
  entries: Record<string, string>;
  /** The document held something other than JSON with `auths`. */
  unreadable: boolean;
}

export interface ServiceAccountState {
  namespace: string;
  name: string;
  resourceVersion: string;
  imagePullSecrets: string[];
}

export type NamespaceWrite =
  | { kind: 'create-secret' }
  /** `patch`: the Secret holds only our entries, so a merge patch carrying its resourceVersion replaces them; otherwise read and merge. */
  | { kind: 'update-secret'; patch: boolean; resourceVersion: string }
  | { kind: 'delete-secret'; resourceVersion: string }
  | { kind: 'patch-service-account'; name: string; resourceVersion: string; imagePullSecrets: string[]; adding: boolean };

export function slimNamespace(object: { metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: unknown }; status?: { phase?: string } }, keys: ReadonlySet<string>): NamespaceState {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(object.metadata.labels ?? {})) if (keys.has(key)) labels[key] = value;
  return { name: object.metadata.name, labels, terminating: object.status?.phase === 'Terminating' || object.metadata.deletionTimestamp !== undefined };
}

export function slimSecret(secret: SecretObject): SecretState {
  const base = { namespace: secret.metadata.namespace ?? '', name: secret.metadata.name, resourceVersion: secret.metadata.resourceVersion ?? '' };
  const encoded = secret.type === DOCKER_CONFIG_JSON_TYPE ? secret.data?.[DOCKER_CONFIG_JSON_KEY] : undefined;
  if (encoded === undefined) return { ...base, entries: {}, unreadable: true };
  try {
    const auths = (JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { auths?: Record<string, unknown> }).auths;
    if (!auths || typeof auths !== 'object') return { ...base, entries: {}, unreadable: true };
    const entries: Record<string, string> = {};
    for (const [host, entry] of Object.entries(auths)) entries[host] = digest(JSON.stringify(entry));
    return { ...base, entries, unreadable: false };
  } catch {
    return { ...base, entries: {}, unreadable: true };
  }
}

export function slimServiceAccount(object: { metadata: { name: string; namespace?: string; resourceVersion?: string }; imagePullSecrets?: { name?: string }[] }): ServiceAccountState {
  return {
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
    resourceVersion: object.metadata.resourceVersion ?? '',
    imagePullSecrets: (object.imagePullSecrets ?? []).map((ref) => ref.name ?? ''),
  };
}

/** The Secret carries each of these tokens for its registry, byte for byte as we write them. */
export function secretInSync(secret: SecretState, tokens: readonly EcrToken[]): boolean {
  return tokens.every((token) => secret.entries[token.registryHost] === digest(registryEntryJson(token)));
}

export function planNamespace(input: {
  selection: NamespaceSelection;
  /** Undefined: the namespace does not exist (or is not known to). */
  namespace: NamespaceState | undefined;
  secret: SecretState | undefined;
  serviceAccounts: readonly ServiceAccountState[];
  /** The current tokens (one per registry), when there are valid ones to write. */
  tokens: readonly EcrToken[] | undefined;
}): NamespaceWrite[] {
  const { selection, namespace, secret, tokens } = input;
  if (!namespace || namespace.terminating) return [];
  const writes: NamespaceWrite[] = [];
  const name = selection.name;
  if (selectsNamespace(selection, namespace)) {
    if (tokens && !secret) writes.push({ kind: 'create-secret' });
    else if (tokens && secret && !secretInSync(secret, tokens)) {
      const ours = new Set(tokens.map((token) => token.registryHost));
      const onlyOurs = !secret.unreadable && Object.keys(secret.entries).every((host) => ours.has(host));
      writes.push({ kind: 'update-secret', patch: onlyOurs, resourceVersion: secret.resourceVersion });
    }
    for (const account of input.serviceAccounts) {
      if (!selectsServiceAccount(selection, account.name) || account.imagePullSecrets.includes(name)) continue;
      writes.push({ kind: 'patch-service-account', name: account.name, resourceVersion: account.resourceVersion, imagePullSecrets: withEntry(account.imagePullSecrets, name), adding: true });
    }
    return writes;
  }
  if (!selection.prune) return [];
  if (secret) writes.push({ kind: 'delete-secret', resourceVersion: secret.resourceVersion });
  for (const account of input.serviceAccounts) {
    if (!account.imagePullSecrets.includes(name)) continue;
    writes.push({ kind: 'patch-service-account', name: account.name, resourceVersion: account.resourceVersion, imagePullSecrets: withoutEntry(account.imagePullSecrets, name), adding: false });
  }
  return writes;
}

/** Our entry appended after everyone else's, once. */
export function withEntry(names: readonly string[], ours: string): string[] {
  return names.includes(ours) ? [...names] : [...names, ours];
}

/** Every copy of our entry removed, the others in their order. */
export function withoutEntry(names: readonly string[], ours: string): string[] {
  return names.filter((name) => name !== ours);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
