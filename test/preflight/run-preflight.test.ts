// The preflight over the Pipecat Cloud sink and a fake minter: every side is
// checked on its own, every problem is reported with its endpoint and fix,
// and nothing is ever written.
import { describe, expect, it } from 'vitest';
import { classifyEcrError } from '../../src/ecr/classify-ecr-error.js';
import type { EcrToken } from '../../src/ecr/ecr-token.js';
import { OutboundError, networkError } from '../../src/errors/outbound-error.js';
import { createPipecatSink } from '../../src/pcc/create-pipecat-sink.js';
import { runPreflight } from '../../src/preflight/run-preflight.js';
import type { Config } from '../../src/config/config.js';
import type { Sink } from '../../src/sink/sink.js';
import { createFakeMinter } from '../support/fake-minter.js';
import { createFakeSecretsClient } from '../support/fake-secrets-client.js';
import { createFakeTime } from '../support/fake-time.js';
import { makeConfig, makeTarget } from '../support/make-config.js';

const ECR = 'https://api.ecr.us-east-1.amazonaws.com:443';
const API = 'http://127.0.0.1:9';

function setup() {
  const time = createFakeTime();
  const minter = createFakeMinter(time.clock);
  const secrets = createFakeSecretsClient();
  const sinks = { pipecat: createPipecatSink({ secrets, clock: time.clock, timers: time.timers }) };
  const preflight = (config: Config, onToken?: (token: EcrToken) => void) =>
    runPreflight({ config, mint: minter.mint, sinks, ecrEndpoint: () => ECR, now: () => time.clock.now(), onToken });
  return { time, minter, secrets, sinks, preflight };
}

const noCredentials = () =>
  classifyEcrError(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), {
    operation: 'ECR GetAuthorizationToken',
    context: 'the default registry in us-east-1',
    endpoint: ECR,
  });

describe('preflight', () => {
  it('shows the plan a refresh would publish, redacted, in target order, and writes nothing', async () => {
    const t = setup();
    t.secrets.sets.set('b-pull', { name: 'b-pull', type: 'secret', region: 'us-west', status: 'ready' });
    const config = makeConfig({
      targets: [
        makeTarget({ name: 'a-pull', registryId: '111111111111' }),
        makeTarget({ name: 'b-pull', registryId: '222222222222' }),
        makeTarget({ name: 'c-pull', registryId: '111111111111' }),
      ],
    });
    const seen: EcrToken[] = [];
    const report = await t.preflight(config, (token) => seen.push(token));

    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.requests.map((r) => r.url)).toEqual(['a-pull', 'b-pull', 'c-pull'].map((name) => t.secrets.setUrl(name)));
    expect(report.requests[0]).toMatchObject({
      target: 'a-pull',
      method: 'PUT',
      headers: { authorization: 'Bearer [REDACTED]' },
      body: { isImagePullSecret: true, secretValue: expect.stringMatching(/^\[REDACTED \d+ chars\]$/) },
      creating: true,
      tokenExpiresAt: new Date(t.minter.issued[0]!.expiresAt).toISOString(),
    });
    // An existing regular set keeps the triplet, as the refresh itself would write it.
    expect(report.requests[1]).toMatchObject({ creating: false, body: { secrets: expect.arrayContaining([{ secretKey: 'username', secretValue: 'AWS' }]) } });
    expect(report.checks.map((c) => [c.side, c.ok])).toEqual([
      ['ecr', true],
      ['pipecat', true],
      ['pipecat', true],
      ['ecr', true],
      ['pipecat', true],
    ]);
    expect(report.checks.find((c) => c.subject === 'b-pull')).toMatchObject({ endpoint: API, said: expect.stringContaining('format triplet') });
    expect(t.secrets.puts).toEqual([]);
    expect(t.secrets.lists).toBe(1);
    expect(t.minter.calls).toHaveLength(2);
    expect(seen).toEqual(t.minter.issued);
    for (const token of t.minter.issued) {
      expect(JSON.stringify(report)).not.toContain(token.password);
      expect(JSON.stringify(report)).not.toContain(token.authorizationToken);
    }
  });

  it('reports the refusal a refresh would meet as a problem with its fix, and still checks ECR', async () => {
    const t = setup();
    t.secrets.sets.set('ecr-pull', { name: 'ecr-pull', type: 'secret', region: 'us-west', status: 'ready' });
    const config = makeConfig({ targets: [makeTarget({ format: 'image-pull-secret' })] });
    const report = await t.preflight(config);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        target: 'ecr-pull',
        side: 'pipecat',
        code: 'ERR_REFRESH',
        reason: 'config',
        endpoint: API,
        message: 'secret set "ecr-pull" exists as a regular set and cannot be turned into an image pull secret in place',
        fix: 'set PCC_SECRET_FORMAT=triplet (or auto), or delete the set so it is re-created as an image pull secret',
      },
    ]);
    expect(report.checks.find((c) => c.side === 'ecr')).toMatchObject({ ok: true, endpoint: ECR });
    expect(t.secrets.puts).toEqual([]);
  });

  it('reports a set in another region', async () => {
    const t = setup();
    t.secrets.sets.set('ecr-pull', { name: 'ecr-pull', type: 'imagePullSecret', region: 'eu-central', status: 'ready' });
    const report = await t.preflight(makeConfig({ targets: [makeTarget({ pccRegion: 'us-west' })] }));
    expect(report.problems).toMatchObject([{ side: 'pipecat', reason: 'config', message: expect.stringContaining('"eu-central"'), fix: expect.stringContaining('PCC_REGION') }]);
  });

  it('with no AWS credentials and the secrets API unreachable, reports both, each with its endpoint', async () => {
    const t = setup();
    t.minter.errors.push(noCredentials());
    t.secrets.listErrors.push(networkError(`Pipecat Cloud GET ${API}/v1/secrets`, API, Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })));
    const report = await t.preflight(makeConfig({ targets: [makeTarget()] }));

    expect(report.ok).toBe(false);
    expect(report.problems).toMatchObject([
      { target: 'ecr-pull', side: 'ecr', code: 'ERR_OUTBOUND_CREDENTIALS', endpoint: ECR, fix: expect.stringContaining('AWS_ACCESS_KEY_ID') },
      { target: 'ecr-pull', side: 'pipecat', code: 'ERR_OUTBOUND_NETWORK', reason: 'connection_error', endpoint: API, message: expect.stringContaining('connection refused') },
    ]);
    expect(report.problems[0]!.message).not.toContain(report.problems[0]!.fix);
    expect(report.requests).toEqual([]);
  });

  it('without a token, still plans the sink and says which secret lengths are unknown', async () => {
    const t = setup();
    t.minter.errors.push(noCredentials());
    const report = await t.preflight(makeConfig({ targets: [makeTarget({ registryId: '123456789012' })] }));
    expect(report.problems).toHaveLength(1);
    expect(report.checks.find((c) => c.side === 'pipecat')).toMatchObject({ ok: true, said: expect.stringContaining('would create it') });
    expect(report.requests).toMatchObject([
      {
        target: 'ecr-pull',
        tokenExpiresAt: null,
        body: { isImagePullSecret: true, host: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com', secretValue: '[REDACTED: length unknown, no token was minted]' },
      },
    ]);
  });

  it('reports a token that would expire inside the refresh margin', async () => {
    const t = setup();
    t.minter.lifetimeMs = 30 * 60_000;
    const report = await t.preflight(makeConfig({ targets: [makeTarget()], refreshMarginMs: 3600_000 }));
    expect(report.problems).toMatchObject([{ side: 'ecr', code: 'ERR_PREFLIGHT_TOKEN', endpoint: ECR, fix: expect.stringContaining('REFRESH_MARGIN') }]);
  });

  it('reports a token issued for another registry than the one asked for', async () => {
    const t = setup();
    const mint = t.minter.mint;
    t.minter.mint = (key) => mint({ ...key, registryId: '999999999999' });
    const sinks = { pipecat: createPipecatSink({ secrets: t.secrets, clock: t.time.clock, timers: t.time.timers }) };
    const config = makeConfig({ targets: [makeTarget({ registryId: '123456789012' })] });
    const report = await runPreflight({ config, mint: t.minter.mint, sinks, ecrEndpoint: () => ECR, now: () => t.time.clock.now() });
    expect(report.problems).toMatchObject([{ side: 'ecr', message: expect.stringContaining('999999999999.dkr.ecr'), fix: expect.stringContaining('ECR_REGISTRY_ID') }]);
  });

  it('reports a set whose last provisioning failed, with the platform message', async () => {
    const t = setup();
    t.secrets.sets.set('ecr-pull', { name: 'ecr-pull', type: 'imagePullSecret', region: 'us-west', status: 'failed', errorMessage: 'bad host' });
    const report = await t.preflight(makeConfig({ targets: [makeTarget()] }));
    expect(report.problems).toMatchObject([{ side: 'pipecat', code: 'ERR_SET_FAILED', endpoint: API, message: expect.stringContaining('bad host') }]);
    expect(report.requests).toHaveLength(1);
  });

  it('checks any sink through its plan alone: a second kind needs no preflight code of its own', async () => {
    const t = setup();
    const kube: Sink = {
      describe: (target) => ({ kind: 'kubernetes', name: target.name }),
      info: () => ({ format: 'image-pull-secret' }),
      batch: () => ({
        plan: async () => {
          throw new OutboundError('Kubernetes GET https://10.0.0.1:6443/api/v1/namespaces/ns/secrets/pull answered HTTP 403 (grant get on secrets)', {
            code: 'ERR_OUTBOUND_STATUS',
            reason: 'unauthorized',
            retryable: false,
            status: 403,
            endpoint: 'https://10.0.0.1:6443',
            fix: 'grant get on secrets',
          });
        },
        publish: async () => undefined,
        confirm: async () => undefined,
      }),
      stop: () => undefined,
    };
    const config = makeConfig({
      targets: [makeTarget(), makeTarget({ name: 'ns/pull', destination: { kind: 'kubernetes', namespace: 'ns', name: 'pull' } })],
    });
    const report = await runPreflight({ config, mint: t.minter.mint, sinks: { ...t.sinks, kubernetes: kube }, ecrEndpoint: () => ECR, now: () => t.time.clock.now() });
    expect(report.problems).toEqual([
      {
        target: 'ns/pull',
        side: 'kubernetes',
        code: 'ERR_OUTBOUND_STATUS',
        reason: 'unauthorized',
        endpoint: 'https://10.0.0.1:6443',
        message: 'Kubernetes GET https://10.0.0.1:6443/api/v1/namespaces/ns/secrets/pull answered HTTP 403',
        fix: 'grant get on secrets',
      },
    ]);
    expect(report.requests.map((r) => r.target)).toEqual(['ecr-pull']);
    expect(t.minter.calls).toHaveLength(1);
  });
});
