// Starts the real daemon (dist/cli.js) against the demo's stand-ins.
import { spawn, type ChildProcess } from 'node:child_process';

export function spawnDaemon(options: { configFile: string; apiKeyFile: string; ecrUrl: string; apiUrl: string }): ChildProcess {
  return spawn(process.execPath, ['dist/cli.js', '--config', options.configFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: a Ctrl-C reaches the demo only, which stops the daemon once, in order.
    detached: true,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_ECR: options.ecrUrl,
      AWS_ACCESS_KEY_ID: 'AKIADEMOEXAMPLE00001',
      AWS_SECRET_ACCESS_KEY: 'demo-secret-access-key-not-real',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      PCC_API_URL: options.apiUrl,
      PCC_API_KEY_FILE: options.apiKeyFile,
      METRICS_PORT: process.env.METRICS_PORT ?? '0',
      METRICS_HOST: '127.0.0.1',
      // The stand-ins are on loopback: never send the demo through a proxy set for the machine.
      NO_PROXY: ['127.0.0.1', 'localhost', process.env.NO_PROXY ?? process.env.no_proxy].filter(Boolean).join(','),
      LOG_LEVEL: 'info',
    },
  });
}
