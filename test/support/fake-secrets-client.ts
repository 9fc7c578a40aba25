// An in-memory SecretsClient for unit tests of the refresh engine: sets are
// `pending` after a PUT and `ready` on the next list, unless told otherwise.
import type { SecretsClient } from '../../src/pcc/create-secrets-client.js';
import type { SecretBody, SecretSetSummary } from '../../src/pcc/secret-set.js';

export interface FakeSecretsClient extends SecretsClient {
  sets: Map<string, SecretSetSummary & { body?: SecretBody }>;
  puts: { name: string; body: SecretBody }[];
  lists: number;
  /** Errors thrown by the next PUTs, in order. */
  putErrors: Error[];
  listErrors: Error[];
  /** Status a set takes after its PUT once listed: ready (default), failed or pending. */
  outcome: 'ready' | 'failed' | 'pending';
}

export function createFakeSecretsClient(): FakeSecretsClient {
  const fake: FakeSecretsClient = {
    sets: new Map(),
    puts: [],
    lists: 0,
    putErrors: [],
    listErrors: [],
    outcome: 'ready',
    async listSets() {
      fake.lists++;
      const error = fake.listErrors.shift();
      if (error) throw error;
      const result = [...fake.sets.values()].map(({ body: _body, ...summary }) => ({ ...summary }));
      for (const set of fake.sets.values()) {
        if (set.status === 'pending' && fake.outcome !== 'pending') {
          set.status = fake.outcome;
          if (fake.outcome === 'failed') set.errorMessage = 'registry credentials rejected';
        }
      }
      return result;
    },
    setUrl: (name) => `http://127.0.0.1:9/v1/secrets/${encodeURIComponent(name)}`,
    async putSet(name, body) {
      const error = fake.putErrors.shift();
      if (error) throw error;
      fake.puts.push({ name, body });
      const existing = fake.sets.get(name);
      fake.sets.set(name, {
        name,
        type: 'isImagePullSecret' in body ? 'imagePullSecret' : 'secret',
        region: existing?.region ?? body.region ?? 'us-west',
        status: 'pending',
        body,
      });
    },
  };
  return fake;
}
