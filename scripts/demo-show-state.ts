// After the first two refreshes, shows what a user would check: the expiry and
// readiness series on /metrics, and what the secrets-API stand-in now holds.
import type { EcrStandIn } from '../stand-ins/ecr-stand-in.js';
import type { SecretsApiStandIn } from '../stand-ins/secrets-api-stand-in.js';

const SHOWN_SERIES = /^ecr_token_refresher_(token_expiry_timestamp_seconds|last_success_timestamp_seconds|secret_ready)\{/;

export async function showDemoState(options: {
  metricsUrl?: string;
  ecr: EcrStandIn;
  api: SecretsApiStandIn;
  say: (text: string) => void;
  isStopping: () => boolean;
  runForMs?: number;
}): Promise<void> {
  const { say } = options;
  let series: string[] = [];
  if (options.metricsUrl) {
    try {
      const text = await (await fetch(options.metricsUrl)).text();
      series = text.split('\n').filter((line) => SHOWN_SERIES.test(line));
    } catch {
      // The daemon is going away (the demo is stopping): there is nothing to show.
      return;
    }
  }
  if (options.isStopping()) return;
  if (series.length > 0) say('--- from /metrics:');
  for (const line of series) say(`    ${line}`);
  say(`--- ECR calls so far: ${options.ecr.calls.length} (two sets, one registry)`);
  for (const name of ['demo-ecr-pull', 'demo-ecr-credentials']) {
    const set = options.api.getSet(name);
    if (set) say(`--- stand-in holds "${name}": ${set.type}, ${set.status}, region ${set.region}`);
  }
  say(options.runForMs ? `--- running for ${options.runForMs / 1000} s in all` : '--- press Ctrl-C to stop');
}
