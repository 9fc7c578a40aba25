// Its own file, so the count of open TCP handles belongs to this test alone.
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startEcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { startSecretsApiStandIn } from '../../stand-ins/secrets-api-stand-in.js';
import { ecrRequestHeaders } from './support/ecr-request-headers.js';

const agent = new Agent();
afterAll(() => agent.close());

const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length;

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected the request to fail');
}

async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}: ${process.getActiveResourcesInfo().join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('closing the stand-ins', () => {
  it('ends hung and trickling secrets API requests and leaves no TCP handles behind', async () => {
    const before = tcpHandles();
    const api = await startSecretsApiStandIn();
    api.setFault({ kind: 'hang' }, 'list');
    api.setFault({ kind: 'slowloris', intervalMs: 10 }, 'get');
    const hung = codeOf(request(`${api.url}/secrets`, { dispatcher: agent }));
    const slow = request(`${api.url}/secrets/ecr-pull`, { dispatcher: agent }).then((r) => codeOf(r.body.text()));
    await until(() => api.requests.length === 2, 'both requests to arrive');
    expect(tcpHandles()).toBeGreaterThan(before);
    await api.close();
    expect(await hung).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    expect(await slow).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    expect(await codeOf(request(`${api.url}/secrets`, { dispatcher: agent }))).toBe('ECONNREFUSED');
    await until(() => tcpHandles() === before, 'TCP handles to go back to their count before start');
    await api.close();
  });

  it('ends a hung ECR request and leaves no TCP handles behind', async () => {
    const before = tcpHandles();
    const ecr = await startEcrStandIn();
    ecr.setFault({ kind: 'hang' });
    const hung = codeOf(request(`${ecr.url}/`, { method: 'POST', headers: ecrRequestHeaders(), body: '{}', dispatcher: agent }));
    await until(() => ecr.calls.length === 1, 'the ECR call to arrive');
    await ecr.close();
    expect(await hung).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    await until(() => tcpHandles() === before, 'TCP handles to go back to their count before start');
  });
});
