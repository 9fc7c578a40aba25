// The secret sets a secrets API stand-in holds, with the platform's rules for
// changing them: regions fixed at creation, no switching between regular and
// image pull sets, regular sets merging by key. Readiness is worked out from
// the clock when read (pending until provisioningDelayMs after the last PUT,
// then the outcome chosen for that PUT), so fake clocks need no timers.
// With a late flip set, an existing set keeps showing the status it had before
// a PUT for that long (`ready` while the old value is still the one in use),
// and only then goes pending → outcome: a platform whose status changes late.
import type { SecretBody } from './parse-secret-body.js';
import { IMAGE_PULL_FIELDS_MESSAGE } from './parse-secret-body.js';

export type ProvisioningOutcome = { outcome: 'ready' } | { outcome: 'failed'; errorMessage?: string } | { outcome: 'stuck' };
export type SetStatus = 'pending' | 'ready' | 'failed';

export interface SecretSetSnapshot {
  name: string;
  type: 'secret' | 'imagePullSecret';
  region: string;
  status: SetStatus;
  errorMessage?: string;
  /** Regular sets: key → value. */
  secrets?: Record<string, string>;
  /** Image pull secrets: the host as stored (with the trailing slash the platform adds). */
  host?: string;
  /** Image pull secrets: the base64 value. */
  secretValue?: string;
  /** Accepted PUTs since creation. */
  puts: number;
  createdAt: number;
  /** now() of the last accepted PUT, epoch ms. */
  updatedAt: number;
  /** When provisioning of the last PUT ended (ready or failed), epoch ms; absent while it has not. */
  settledAt?: number;
}

export type StoreResult = { status: number; body: unknown };

interface StoredSet {
  type: 'secret' | 'imagePullSecret';
  region: string;
  secrets: Map<string, string>;
  host?: string;
  secretValue?: string;
  puts: number;
  createdAt: number;
  updatedAt: number;
  provisioning: ProvisioningOutcome;
  /** Late flip: what the set showed before the last PUT, shown until `until`. */
  stale?: { until: number; shown: { status: SetStatus; errorMessage?: string } };
}

export const DEFAULT_PROVISIONING_ERROR = 'Secret set provisioning failed. Please try again or contact support.';

export function createSecretSetStore(deps: {
  regions: readonly string[];
  defaultRegion: string;
  provisioningDelayMs: number;
  now: () => number;
  putStatus: number;
  lateFlipMs?: number;
}) {
  const sets = new Map<string, StoredSet>();
  const provisioningFor = new Map<string, ProvisioningOutcome>();
  let defaultProvisioning: ProvisioningOutcome = { outcome: 'ready' };
  let lateFlipMs = deps.lateFlipMs ?? 0;

  /** When the platform starts provisioning the last PUT: at once, or after the late flip. */
  const provisioningStart = (set: StoredSet) => set.stale?.until ?? set.updatedAt;

  function statusOf(set: StoredSet): { status: SetStatus; errorMessage?: string } {
    if (set.stale && deps.now() < set.stale.until) return set.stale.shown;
    if (set.provisioning.outcome === 'stuck') return { status: 'pending' };
    if (deps.now() - provisioningStart(set) < deps.provisioningDelayMs) return { status: 'pending' };
    if (set.provisioning.outcome === 'failed') {
      return { status: 'failed', errorMessage: set.provisioning.errorMessage ?? DEFAULT_PROVISIONING_ERROR };
    }
    return { status: 'ready' };
  }

  function put(name: string, body: SecretBody): StoreResult {
    if (body.region !== undefined && !deps.regions.includes(body.region)) {
      return error(400, 'GENERIC_BAD_REQUEST', 'Invalid region or organization does not have access');
    }
    const existing = sets.get(name);
    if (existing) {
      if (existing.type === 'secret' && body.kind === 'imagePullSecret') {
        return error(400, 'GENERIC_BAD_REQUEST', 'Cannot update existing regular secrets to image pull secrets');
      }
      if (existing.type === 'imagePullSecret' && body.kind === 'secret') {
        // The documented answer to a regular body sent to an image pull secret.
        return error(400, 'GENERIC_BAD_REQUEST', IMAGE_PULL_FIELDS_MESSAGE);
      }
      if (body.region !== undefined && body.region !== existing.region) {
        return error(400, 'GENERIC_BAD_REQUEST', `Secret already exists in region '${existing.region}'. Cannot change region to '${body.region}'.`);
      }
    }
    const at = deps.now();
    const shownBefore = existing && lateFlipMs > 0 ? statusOf(existing) : undefined;
    const set: StoredSet = existing ?? {
      type: body.kind,
      region: body.region ?? deps.defaultRegion,
      secrets: new Map(),
      puts: 0,
      createdAt: at,
      updatedAt: at,
      provisioning: defaultProvisioning,
    };
    if (body.kind === 'secret') {
      for (const [key, value] of body.secrets) set.secrets.set(key, value);
    } else {
      set.host = body.host;
      set.secretValue = body.secretValue;
    }
    set.puts += 1;
    set.updatedAt = at;
    set.stale = shownBefore && { until: at + lateFlipMs, shown: shownBefore };
    set.provisioning = provisioningFor.get(name) ?? defaultProvisioning;
    sets.set(name, set);
    return { status: deps.putStatus, body: { status: 'OK', region: set.region } };
  }

  function list(region: string | undefined): StoreResult {
    const summaries = [...sets.entries()]
      .filter(([, set]) => region === undefined || set.region === region)
      .map(([name, set]) => ({ name, type: set.type, region: set.region, ...statusOf(set) }));
    return { status: 200, body: { sets: summaries } };
  }

  function get(name: string): StoreResult {
    const set = sets.get(name);
    if (!set) return error(404, 'NOT_FOUND', 'Set not found');
    if (set.type === 'imagePullSecret') return error(400, 'GENERIC_BAD_REQUEST', 'Cannot retrieve image pull secrets by name');
    const { status, errorMessage } = statusOf(set);
    return {
      status: 200,
      body: { region: set.region, status, ...(errorMessage ? { errorMessage } : {}), secrets: [...set.secrets.keys()].map((fieldName) => ({ fieldName })) },
    };
  }

  function deleteSet(name: string): StoreResult {
    if (!sets.delete(name)) return error(404, 'NOT_FOUND', 'Set not found');
    return { status: 200, body: { status: 'OK' } };
  }

  function deleteKey(name: string, key: string): StoreResult {
    const set = sets.get(name);
    if (!set) return error(404, 'NOT_FOUND', 'Set not found');
    if (set.type === 'imagePullSecret') {
      return error(400, 'GENERIC_BAD_REQUEST', 'Cannot delete individual keys of an image pull secret; delete the set instead');
    }
    if (!set.secrets.delete(key)) return error(404, 'NOT_FOUND', 'Secret not found');
    return { status: 200, body: { status: 'OK' } };
  }

  function snapshot(name: string): SecretSetSnapshot | undefined {
    const set = sets.get(name);
    if (!set) return undefined;
    return {
      name,
      type: set.type,
      region: set.region,
      ...statusOf(set),
      ...(set.type === 'secret' ? { secrets: Object.fromEntries(set.secrets) } : { host: set.host, secretValue: set.secretValue }),
      puts: set.puts,
      createdAt: set.createdAt,
      updatedAt: set.updatedAt,
      ...settledAt(set),
    };
  }

  function settledAt(set: StoredSet): { settledAt?: number } {
    if (set.provisioning.outcome === 'stuck') return {};
    const at = provisioningStart(set) + deps.provisioningDelayMs;
    return deps.now() >= at ? { settledAt: at } : {};
  }

  return {
    put,
    list,
    get,
    deleteSet,
    deleteKey,
    snapshot,
    snapshots: () => Object.fromEntries([...sets.keys()].map((name) => [name, snapshot(name)])),
    setProvisioning(name: string, outcome: ProvisioningOutcome | undefined) {
      if (outcome === undefined) provisioningFor.delete(name);
      else provisioningFor.set(name, outcome);
    },
    setDefaultProvisioning(outcome: ProvisioningOutcome | undefined) {
      defaultProvisioning = outcome ?? { outcome: 'ready' };
    },
    /** Late flip for the next PUTs of existing sets; 0 turns it off. */
    setLateFlip(ms: number) {
      lateFlipMs = ms;
    },
    clear() {
      sets.clear();
      provisioningFor.clear();
      defaultProvisioning = { outcome: 'ready' };
      lateFlipMs = deps.lateFlipMs ?? 0;
    },
  };
}

function error(status: number, code: string, message: string): StoreResult {
  return { status, body: { error: message, code } };
}
