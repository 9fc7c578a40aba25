// The forms a token takes once it is written into an image-pull Secret, for
// the log scrubber: besides the password and base64("AWS:<password>") that
// every sink knows, the Secret's data holds the whole `.dockerconfigjson`
// document in base64, and inside that base64 the password and the `auth`
// value appear re-encoded at whatever byte offset the document puts them.
// Base64 turns each 3 bytes into 4 characters, so a value starting at an
// offset of 0, 1 or 2 (mod 3) always encodes to the same run of whole groups
// whatever surrounds it: those three runs ("cores") find the token in any
// base64 that carries it, the written document's or a piece of it.
import type { EcrToken } from '../../ecr/ecr-token.js';
import { registryEntryJson } from './build-pull-secret.js';

export function pullSecretSecrets(token: EcrToken): string[] {
  if (!token.password) return [];
  const entry = registryEntryJson(token);
  return [entry, Buffer.from(entry, 'utf8').toString('base64'), ...base64Cores(token.password), ...base64Cores(token.authorizationToken)];
}

/** The base64 runs that encode `value` whole, for each of its three alignments. */
export function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Groups holding a byte before the value, or after it (or padding), depend on its surroundings.
    const first = Math.ceil(offset / 3);
    const last = Math.floor((offset + bytes.length) / 3);
    if (last > first) cores.push(encoded.slice(first * 4, last * 4));
  }
  return cores;
}
