// Runs both stand-ins for the demo, benchmarks and container tests:
//   npx tsx stand-ins/main.ts [--ecr-port N] [--api-port N] [--token-lifetime 12h]
//                              [--provisioning-delay 300] [--api-key KEY]
// Prints one JSON line {"ecrUrl","apiUrl","apiKey","ecrAdminUrl","apiAdminUrl"}
// once both listen, and stops cleanly on SIGTERM or SIGINT.
import { startEcrStandIn } from './ecr-stand-in.js';
import { parseStandInArgs } from './parse-stand-in-args.js';
import { startSecretsApiStandIn } from './secrets-api-stand-in.js';

let args;
try {
  args = parseStandInArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}

const ecr = await startEcrStandIn({ port: args.ecrPort, tokenLifetimeSeconds: args.tokenLifetimeSeconds, accountId: args.accountId });
const api = await startSecretsApiStandIn({ port: args.apiPort, provisioningDelayMs: args.provisioningDelayMs, apiKey: args.apiKey });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.all([ecr.close(), api.close()]);
  process.exitCode = 0;
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

// Announce only once the signal handlers are in place, so a caller that
// stops us right after reading the line is heard.
process.stdout.write(
  `${JSON.stringify({
    ecrUrl: ecr.url,
    apiUrl: api.url,
    apiKey: api.apiKey,
    ecrAdminUrl: `${ecr.url}/__admin`,
    apiAdminUrl: `http://127.0.0.1:${api.port}/__admin`,
  })}\n`,
);
