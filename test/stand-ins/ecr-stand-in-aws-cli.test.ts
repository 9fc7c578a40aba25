import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcrStandIn, type EcrStandIn } from '../../stand-ins/ecr-stand-in.js';
import { findAwsCli } from './support/find-aws-cli.js';

const run = promisify(execFile);
let ecr: EcrStandIn;
let home: string;

beforeAll(async () => {
  ecr = await startEcrStandIn({ accessKeys: ['AKIACLIEXAMPLE000001'] });
  home = mkdtempSync(join(tmpdir(), 'ecr-stand-in-cli-'));
});
afterAll(async () => {
  await ecr.close();
  if (existsSync(home)) rmSync(home, { recursive: true, force: true });
});

function cliEnv(accessKeyId: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'example-secret-access-key',
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
}

describe('ECR stand-in with the aws CLI as a second, independent client', () => {
  it('serves aws ecr get-login-password, which prints the issued password', async () => {
    const aws = findAwsCli();
    const { stdout } = await run(aws, ['ecr', 'get-login-password', '--endpoint-url', ecr.url, '--region', 'us-east-1'], {
      env: cliEnv('AKIACLIEXAMPLE000001'),
      timeout: 60_000,
    });
    expect(ecr.issued).toHaveLength(1);
    expect(stdout.trim()).toBe(ecr.issued[0]?.password);
    expect(ecr.calls[0]).toMatchObject({ region: 'us-east-1', accessKeyId: 'AKIACLIEXAMPLE000001' });
  });

  it('makes the CLI fail with the AWS error name for an unknown key', async () => {
    const aws = findAwsCli();
    const failure = await run(aws, ['ecr', 'get-login-password', '--endpoint-url', ecr.url, '--region', 'us-east-1'], {
      env: cliEnv('AKIAUNKNOWN000000001'),
      timeout: 60_000,
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toContain('UnrecognizedClientException');
  });
});
