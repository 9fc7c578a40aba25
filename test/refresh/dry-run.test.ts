import { describe, expect, it } from 'vitest';
import type { EcrToken } from '../../src/ecr/ecr-token.js';
import { createPipecatSink } from '../../src/pcc/create-pipecat-sink.js';
import { dryRun } from '../../src/refresh/dry-run.js';
import { createFakeMinter } from '../support/fake-minter.js';
import { createFakeSecretsClient } from '../support/fake-secrets-client.js';
import { createFakeTime } from '../support/fake-time.js';
import { makeConfig, makeTarget } from '../support/make-config.js';

function setup() {
  const time = createFakeTime();
  const minter = createFakeMinter(time.clock);
  const secrets = createFakeSecretsClient();
  const sinks = { pipecat: createPipecatSink({ secrets, clock: time.clock, timers: time.timers }) };
  return { time, minter, secrets, sinks };
}

describe('dry run', () => {
  it('shows the plan a refresh would publish, redacted, in target order, and writes nothing', async () => {
    const t = setup();
    t.secrets.sets.set('b-pull', { name: 'b-pull', type: 'secret', region: 'us-west', status: 'ready' });
    const config = makeConfig({
      targets: [
        makeTarget({ secretSet: 'a-pull', registryId: '111111111111' }),
        makeTarget({ secretSet: 'b-pull', registryId: '222222222222' }),
        makeTarget({ secretSet: 'c-pull', registryId: '111111111111' }),
      ],
    });
    const seen: EcrToken[] = [];
    const requests = await dryRun({ config, mint: t.minter.mint, sinks: t.sinks, onToken: (token) => seen.push(token) });

    expect(requests.map((r) => r.url)).toEqual(['a-pull', 'b-pull', 'c-pull'].map((name) => t.secrets.setUrl(name)));
    expect(requests[0]).toMatchObject({
      method: 'PUT',
      headers: { authorization: 'Bearer [REDACTED]' },
      body: { isImagePullSecret: true, secretValue: expect.stringMatching(/^\[REDACTED \d+ chars\]$/) },
      creating: true,
    });
    // An existing regular set keeps the triplet, as the refresh itself would write it.
    expect(requests[1]).toMatchObject({ creating: false, body: { secrets: expect.arrayContaining([{ secretKey: 'username', secretValue: 'AWS' }]) } });
    expect(t.secrets.puts).toEqual([]);
    expect(t.secrets.lists).toBe(1);
    expect(t.minter.calls).toHaveLength(2);
    expect(seen).toEqual(t.minter.issued);
    for (const token of t.minter.issued) {
      expect(JSON.stringify(requests)).not.toContain(token.password);
      expect(JSON.stringify(requests)).not.toContain(token.authorizationToken);
    }
  });

  it('fails with the refusal a refresh would meet, before anything is sent', async () => {
    const t = setup();
    t.secrets.sets.set('ecr-pull', { name: 'ecr-pull', type: 'secret', region: 'us-west', status: 'ready' });
    const config = makeConfig({ targets: [makeTarget({ format: 'image-pull-secret' })] });
    await expect(dryRun({ config, mint: t.minter.mint, sinks: t.sinks })).rejects.toMatchObject({ reason: 'config', retryable: false });
    expect(t.secrets.puts).toEqual([]);
  });
});
