import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { callSecretsApi } from './support/call-secrets-api.js';
import { ecrRequestHeaders } from './support/ecr-request-headers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function startMain(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'stand-ins/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`stand-ins exited with ${code} before printing: ${stderr}`)));
  });
  firstLine.catch(() => undefined); // a test that expects an early exit never reads it
  return { child, firstLine, stderr: () => stderr };
}

describe('stand-ins/main.ts', () => {
  it('prints one JSON line with both URLs and the key, serves both, and exits 0 on SIGTERM', async () => {
    const { child, firstLine } = startMain(['--token-lifetime', '1h', '--provisioning-delay', '0', '--api-key', 'pk_main_test']);
    const info = JSON.parse(await firstLine) as { ecrUrl: string; apiUrl: string; apiKey: string };
    expect(info.ecrUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(info.apiKey).toBe('pk_main_test');

    const ecrReply = await fetch(`${info.ecrUrl}/`, { method: 'POST', headers: ecrRequestHeaders(), body: '{}' });
    const { authorizationData } = (await ecrReply.json()) as { authorizationData: { expiresAt: number }[] };
    expect(authorizationData[0]?.expiresAt).toBeCloseTo(Date.now() / 1000 + 3600, -1);

    const put = await callSecretsApi(info.apiUrl, 'PUT', '/secrets/ecr-pull', {
      apiKey: 'pk_main_test',
      body: { isImagePullSecret: true, host: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com', secretValue: 'QVdTOnB3' },
    });
    expect(put.status).toBe(202);
    expect((await callSecretsApi(info.apiUrl, 'GET', '/secrets', { apiKey: 'pk_main_test' })).json.sets[0].status).toBe('ready');

    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('exits 0 on SIGINT too', async () => {
    const { child, firstLine } = startMain([]);
    await firstLine;
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('exits 2 with the usage on an unknown option', async () => {
    const { child, stderr } = startMain(['--colour', 'blue']);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr()).toContain('unknown option "--colour"');
    expect(stderr()).toContain('usage: stand-ins/main.ts');
  });
});
