// deploy/aws-lambda/deploy refuses bad usage before it builds or calls
// anything: exit 2 with the usage line and what to fix. (The AWS steps
// themselves need an account; the template they deploy is tested on its own.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/root.js';

const SCRIPT = join(ROOT, 'deploy', 'aws-lambda', 'deploy');
const USAGE = 'usage: deploy/aws-lambda/deploy --s3-bucket BUCKET [--stack-name NAME] [--region REGION] Key=Value ...';

function deploy(...args: string[]) {
  // No AWS profile or credentials: a slip past the checks could not reach an account.
  return spawnSync(SCRIPT, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
}

describe('the deploy script', () => {
  it.each([
    [[], 'deploy: --s3-bucket is required: an S3 bucket in the stack\'s region for the function\'s code'],
    [['--s3-bucket'], 'deploy: --s3-bucket needs a bucket name'],
    [['--s3-bucket', 'b', 'SecretSet'], "deploy: unknown argument 'SecretSet': parameters are written Key=Value, like SecretSet=my-ecr-pull"],
    [['--s3-bucket', 'b', '--region'], 'deploy: --region needs a region, like us-east-1'],
  ])('refuses %j with exit 2 and the fix', (args, message) => {
    const result = deploy(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${USAGE}\n${message}\n`);
  });
});
