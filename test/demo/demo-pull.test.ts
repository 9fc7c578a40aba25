// The demo shows the point of the tool: crane pulls the test image with what the image pull
// secret set holds after a refresh, and the token the set held before is refused by the
// registry once it has expired, with ECR's own words.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../support/ensure-built.js';
import { createDemoTmp, startDemo } from './support/start-demo.js';

const tmp = createDemoTmp();
beforeAll(async () => {
  await ensureBuilt();
});
afterAll(() => tmp.dispose());

it('pulls with the credentials it keeps fresh and shows an expired token refused', { timeout: 90_000 }, async () => {
  const demo = startDemo(['--for', '34s'], { tmp: tmp.path, killAfterMs: 80_000 });
  try {
    const exit = await demo.exited;
    expect(exit.code, exit.stdout + exit.stderr).toBe(0);
    const host = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
    expect(exit.stdout).toMatch(new RegExp(`^registry \\(ECR's front\\): +${host.replaceAll('.', '\\.')} over crane registry serve`, 'm'));
    const pulled = [...exit.stdout.matchAll(/^--- crane pulled (\S+) with what "demo-ecr-pull" holds: (sha256:[0-9a-f]{64})$/gm)];
    // After the first cycle, and again after the second with the new token.
    expect(pulled.map((m) => m[1])).toEqual([`${host}/agents/voice-bot:v1`, `${host}/agents/voice-bot:v1`]);
    expect(new Set(pulled.map((m) => m[2])).size).toBe(1);
    expect(exit.stdout).toContain(
      '--- the token the set held before, presented after its expiry: refused (DENIED: Your authorization token has expired. Reauthenticate and try again.)',
    );
    expect(demo.leftBehind()).toEqual([]);
  } finally {
    demo.dispose();
  }
});
