import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/create-metrics.js';
import { pushToGateway, splitExposition } from '../../src/metrics/push-to-gateway.js';

interface Received {
  method: string;
  path: string;
  body: string;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function startGateway(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, received };
}

function metricsWithOneGoodAndOneFailedTarget() {
  const metrics = createMetrics({ version: '1.2.3' });
  const good = { secret_set: 'ecr-good', registry: 'default/us-east-1' };
  const bad = { secret_set: 'ecr-bad', registry: 'default/us-east-1' };
  for (const labels of [good, bad]) metrics.targetInfo.set({ ...labels, format: 'auto', pcc_region: '' }, 1);
  metrics.lastSuccess.set(good, 1_700_000_000);
  metrics.tokenExpiry.set(good, 1_700_043_200);
  metrics.consecutiveFailures.set(good, 0);
  metrics.consecutiveFailures.set(bad, 4);
  metrics.lastFailureInfo.set({ ...bad, stage: 'push', reason: 'server_error' }, 1);
  metrics.secretsApiRequestDuration.observe({ operation: 'put', status: '503' }, 0.01);
  return metrics;
}

describe('pushToGateway', () => {
  it('replaces (PUT) the group of a target whose token was confirmed, and the shared group', async () => {
    const gateway = await startGateway();
    await pushToGateway({ gatewayUrl: gateway.url, registry: metricsWithOneGoodAndOneFailedTarget().registry, timeoutMs: 5_000 });

    const good = gateway.received.find((r) => r.path === '/metrics/job/ecr-token-refresher/secret_set/ecr-good');
    expect(good?.method).toBe('PUT');
    expect(good?.body).toContain('ecr_token_refresher_token_expiry_timestamp_seconds{secret_set="ecr-good"');
    const shared = gateway.received.find((r) => r.path === '/metrics/job/ecr-token-refresher');
    expect(shared?.method).toBe('PUT');
    expect(shared?.body).toContain('ecr_token_refresher_secrets_api_request_duration_seconds_bucket');
  });

  it('adds to (POST) the group of a target whose run failed, so the expiry of its last confirmed token stays visible', async () => {
    const gateway = await startGateway();
    await pushToGateway({ gatewayUrl: gateway.url, registry: metricsWithOneGoodAndOneFailedTarget().registry, timeoutMs: 5_000 });

    const bad = gateway.received.find((r) => r.path === '/metrics/job/ecr-token-refresher/secret_set/ecr-bad');
    expect(bad?.method).toBe('POST');
    expect(bad?.body).toContain('ecr_token_refresher_consecutive_failures{secret_set="ecr-bad",registry="default/us-east-1"} 4');
    expect(bad?.body).not.toContain('token_expiry');
  });

  it('pushes no process or Node.js runtime series', async () => {
    const gateway = await startGateway();
    await pushToGateway({ gatewayUrl: gateway.url, registry: metricsWithOneGoodAndOneFailedTarget().registry, timeoutMs: 5_000 });

    const all = gateway.received.map((r) => r.body).join('\n');
    expect(all).toContain('ecr_token_refresher_build_info');
    expect(all).not.toMatch(/^(process_|nodejs_)/m);
  });

  it('throws the typed outbound error naming the endpoint when the gateway refuses or cannot be reached', async () => {
    server = createServer((_req, res) => res.writeHead(500).end('storage full'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    const registry = metricsWithOneGoodAndOneFailedTarget().registry;
    const refused = await pushToGateway({ gatewayUrl: url, registry, timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'OutboundError', code: 'ERR_OUTBOUND_STATUS', status: 500, retryable: true, endpoint: url });
    expect((refused as Error).message).toMatch(new RegExp(`^Pushgateway (PUT|POST) ${url}/metrics/job/ecr-token-refresher.* answered HTTP 500: storage full$`));

    const dead = 'http://127.0.0.1:1';
    const unreachable = await pushToGateway({ gatewayUrl: dead, registry, timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ code: 'ERR_OUTBOUND_NETWORK', retryable: true, endpoint: dead });
    expect((unreachable as Error).message).toMatch(/^Pushgateway (PUT|POST) http:\/\/127\.0\.0\.1:1\/metrics\/job\/\S+ failed: connection refused \(ECONNREFUSED\)$/);
  });
});

const text = `# HELP a_seconds A.
# TYPE a_seconds gauge
a_seconds{secret_set="one",registry="default/us-east-1"} 1
a_seconds{secret_set="two",registry="default/us-east-1"} 2
# HELP b_total B.
# TYPE b_total counter
b_total{operation="put",status="202"} 5
`;

describe('splitExposition', () => {
  it('puts each label value in a group of its own, with HELP and TYPE, and the rest in ""', () => {
    const groups = splitExposition(text, 'secret_set');
    expect([...groups.keys()].sort()).toEqual(['', 'one', 'two']);
    expect(groups.get('one')).toBe('# HELP a_seconds A.\n# TYPE a_seconds gauge\na_seconds{secret_set="one",registry="default/us-east-1"} 1\n');
    expect(groups.get('')).toContain('b_total{operation="put",status="202"} 5');
    expect(groups.get('')).not.toContain('a_seconds');
  });
});
