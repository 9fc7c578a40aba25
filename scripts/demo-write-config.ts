// Writes the demo's config file and API key file into its temp dir.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { everySecondsFrom } from './demo-schedule.js';

/** `startMs`: when the daemon is expected to start its first refresh. */
export function writeDemoConfig(options: { dir: string; apiKey: string; startMs: number; everySeconds: number }) {
  const schedule = everySecondsFrom(options.startMs, options.everySeconds);
  const configFile = join(options.dir, 'config.yaml');
  const apiKeyFile = join(options.dir, 'api-key');
  writeFileSync(
    configFile,
    [
      '# Two secret sets fed from one registry: one GetAuthorizationToken call serves both.',
      `# Every ${options.everySeconds} seconds counted from the start, so the demo shows several refreshes.`,
      `schedule: "${schedule}"`,
      'awsRegion: us-east-1',
      'targets:',
      '  - secretSet: demo-ecr-pull          # new set: created as an image pull secret',
      '    registryId: "123456789012"',
      '    pccRegion: us-west',
      '  - secretSet: demo-ecr-credentials   # the username/password/registry triplet',
      '    format: triplet',
      '    registryId: "123456789012"',
      '',
    ].join('\n'),
  );
  writeFileSync(apiKeyFile, `${options.apiKey}\n`, { mode: 0o600 });
  return { configFile, apiKeyFile, schedule };
}
