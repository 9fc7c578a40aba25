// Shapes of the Pipecat Cloud secrets API that the refresher reads and writes,
// and the reading of its list reply, which refuses one that does not have the
// documented shape; error messages from the platform are cleaned of secrets.
import { OutboundError } from '../errors/outbound-error.js';

export type SecretSetType = 'secret' | 'imagePullSecret';
export type SecretSetStatus = 'pending' | 'ready' | 'failed';

export interface SecretSetSummary {
  name: string;
  type: SecretSetType;
  region?: string;
  status: SecretSetStatus;
  errorMessage?: string;
}

export interface TripletBody {
  secrets: { secretKey: string; secretValue: string }[];
  region?: string;
}

export interface ImagePullSecretBody {
  isImagePullSecret: true;
  host: string;
  secretValue: string;
  region?: string;
}

export type SecretBody = TripletBody | ImagePullSecretBody;

const STATUSES = new Set(['pending', 'ready', 'failed']);
const TYPES = new Set(['secret', 'imagePullSecret']);

export function parseSetList(text: string, what: string, endpoint: string, clean: (message: string) => string): SecretSetSummary[] {
  const bad = (why: string) =>
    new OutboundError(`${what} returned ${why}`, { code: 'ERR_OUTBOUND_REPLY', reason: 'bad_response', retryable: true, endpoint });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('a body that is not JSON');
  }
  const sets = (parsed as { sets?: unknown }).sets;
  if (!Array.isArray(sets)) throw bad('no "sets" list');
  return sets.map((entry: unknown) => {
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string' || !TYPES.has(String(e.type)) || !STATUSES.has(String(e.status))) {
      throw bad('a set entry without a valid name, type or status');
    }
    return {
      name: e.name,
      type: e.type as SecretSetSummary['type'],
      status: e.status as SecretSetSummary['status'],
      region: typeof e.region === 'string' ? e.region : undefined,
      errorMessage: typeof e.errorMessage === 'string' ? clean(e.errorMessage) : undefined,
    };
  });
}
