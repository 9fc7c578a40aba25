// What one namespace needs, decided from the cache alone (pure): the slim
// forms the watches keep of a namespace, the Secret of the target's name and
// the ServiceAccounts, and the list of writes that bring the namespace to the
// wanted state. A selected namespace gets the Secret with the current token
// and our entry in each matching ServiceAccount's imagePullSecrets; a
// namespace that stops matching loses both (with prune). Whose the Secret is
// decides the rest: ours (the target's labels) is replaced whole and pruned;
// one we may merge into (another tool's with the allow-merge annotation, or
// one no tool claims) gets our entries merged back whenever they are not
// current, and is never pruned; one we may not write is refused again, so a
// person hears of it. ServiceAccount edits touch only our own entry, keep
// everyone else's in order, and never add it twice.
import { createHash } from 'node:crypto';
import type { EcrToken } from '../../ecr/ecr-token.js';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE, registryEntryJson, type SecretObject } from '../pull-secret/build-pull-secret.js';
import { secretRefusal } from '../pull-secret/refuse-foreign-secret.js';
import { selectsNamespace, selectsServiceAccount, type NamespaceSelection } from './selection.js';

export interface NamespaceState {
  name: string;
  /** Only the labels the selector reads. */
  labels: Record<string, string>;
  terminating: boolean;
}

/**
 * Whose a Secret is: `ours` carries every one of the target's labels; `shared`
 * is someone else's that a write merges our entries into (its owner opted in,
 * or no tool claims it); `refused` is one a write would refuse.
 */
export type SecretStanding = 'ours' | 'shared' | 'refused';

export interface SecretState {
  namespace: string;
  name: string;
  resourceVersion: string;
  standing: SecretStanding;
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

/** `ownLabels`: the labels that make a Secret the target's own (managed-by and the target's digest). */
export function secretStanding(secret: SecretObject, ownLabels: Readonly<Record<string, string>>): SecretStanding {
  const labels = secret.metadata.labels ?? {};
  if (Object.entries(ownLabels).every(([key, value]) => labels[key] === value)) return 'ours';
  return secretRefusal(secret, { namespace: secret.metadata.namespace ?? '', name: secret.metadata.name }) ? 'refused' : 'shared';
}

export function slimSecret(secret: SecretObject, ownLabels: Readonly<Record<string, string>>): SecretState {
  const base = {
    namespace: secret.metadata.namespace ?? '',
    name: secret.metadata.name,
    resourceVersion: secret.metadata.resourceVersion ?? '',
    standing: secretStanding(secret, ownLabels),
  };
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

/** The Secret carries each of these tokens for its registry, byte for byte as we write them, and the next refresh may write it. */
export function secretInSync(secret: SecretState, tokens: readonly EcrToken[]): boolean {
  return secret.standing !== 'refused' && tokens.every((token) => secret.entries[token.registryHost] === digest(registryEntryJson(token)));
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
      // Only our own Secret is replaced by a patch; any other is read and merged into (or refused, with an Event) as a single Secret is.
      const ours = new Set(tokens.map((token) => token.registryHost));
      const onlyOurs = secret.standing === 'ours' && !secret.unreadable && Object.keys(secret.entries).every((host) => ours.has(host));
      writes.push({ kind: 'update-secret', patch: onlyOurs, resourceVersion: secret.resourceVersion });
    }
    for (const account of input.serviceAccounts) {
      if (!selectsServiceAccount(selection, account.name) || account.imagePullSecrets.includes(name)) continue;
      writes.push({ kind: 'patch-service-account', name: account.name, resourceVersion: account.resourceVersion, imagePullSecrets: withEntry(account.imagePullSecrets, name), adding: true });
    }
    return writes;
  }
  if (!selection.prune) return [];
  // Someone else's Secret is left exactly as it is, our entries included: deleting or editing it could break what its owner serves with it.
  if (secret?.standing === 'ours') writes.push({ kind: 'delete-secret', resourceVersion: secret.resourceVersion });
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
