// Runs the bundled function the way Lambda does, on this machine: the AWS
// Lambda Runtime Interface Emulator (aws-lambda-rie) starts Node with the
// Runtime Interface Client (aws-lambda-ric), which loads index.handler from
// the function's code folder (see package-function.ts) and polls the
// emulator's Runtime API; a test invokes the
// function over the emulator's HTTP API on 127.0.0.1. Both addresses are free
// ports, so emulators of parallel test files do not collide.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findTool } from '../../support/find-tool.js';
import { ROOT } from '../../support/root.js';
import type { ProcessTracker, TrackedProcess } from '../../support/create-process-tracker.js';
import { freePort } from '../../support/free-port.js';
import { waitFor } from '../../support/wait-for.js';

export interface Invocation {
  /** The function's result, or the error report ({ errorType, errorMessage }). */
  body: Record<string, unknown>;
  /** True when the function threw. */
  failed: boolean;
  durationMs: number;
}

export interface LambdaEmulator {
  invoke(event?: unknown): Promise<Invocation>;
  /** Everything the emulator, the runtime client and the function wrote. */
  output(): string;
  process: TrackedProcess;
}

/** Node 24 (the function's runtime) from scripts/install-node-runtimes, else this Node. */
export function lambdaNode(): string {
  const node24 = join(ROOT, '.tools', 'node24', 'bin', 'node');
  return existsSync(node24) ? node24 : process.execPath;
}

export async function startLambdaEmulator(options: {
  tracker: ProcessTracker;
  /** The function's code folder, from packageFunction(). */
  codeDir: string;
  env: Record<string, string>;
  timeoutSeconds?: number;
  /** The Node binary the runtime client runs on; Node 24, the function's runtime, by default. */
  node?: string;
}): Promise<LambdaEmulator> {
  const node = options.node ?? lambdaNode();
  const rie = findTool('aws-lambda-rie');
  // .tools/bin/aws-lambda-ric links to the client's script; run it with the runtime's Node.
  const ric = realpathSync(findTool('aws-lambda-ric'));
  const [apiPort, runtimePort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${apiPort}/2015-03-31/functions/function/invocations`;
  const child = options.tracker.start(
    rie,
    ['--runtime-interface-emulator-address', `127.0.0.1:${apiPort}`, '--runtime-api-address', `127.0.0.1:${runtimePort}`, node, ric, 'index.handler'],
    {
      cwd: options.codeDir,
      env: {
        PATH: `${dirname(node)}:${process.env.PATH ?? ''}`,
        LAMBDA_TASK_ROOT: options.codeDir,
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(options.timeoutSeconds ?? 60),
        AWS_LAMBDA_FUNCTION_NAME: 'ecr-token-refresher',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        ...options.env,
      },
    },
  );
  await waitFor(
    async () => {
      if (child.child.exitCode !== null) throw new Error(`aws-lambda-rie exited ${child.child.exitCode}: ${child.stderr().slice(-800)}`);
      return /\(rapid\) exec '/.test(child.stderr() + child.stdout()) ? true : undefined;
    },
    { what: 'the emulator to listen', timeoutMs: 10_000, intervalMs: 50 },
  );

  return {
    process: child,
    output: () => child.stdout() + child.stderr(),
    async invoke(event = {}) {
      const started = performance.now();
      const response = await waitFor(
        async () => fetch(url, { method: 'POST', body: JSON.stringify(event), signal: AbortSignal.timeout(120_000) }),
        { what: `the emulator at ${url}`, timeoutMs: 10_000, intervalMs: 100 },
      );
      const text = await response.text();
      const durationMs = performance.now() - started;
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new Error(`the emulator answered ${response.status} with a body that is not JSON: ${text.slice(0, 500)}`);
      }
      const failed = typeof body.errorType === 'string' || response.headers.get('x-amz-function-error') !== null;
      return { body, failed, durationMs };
    },
  };
}
