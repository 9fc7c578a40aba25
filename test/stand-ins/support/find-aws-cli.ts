// Finds Debian's aws CLI v2. /usr/bin/aws comes first: a version manager's
// shim named aws earlier on PATH may point at nothing. A missing CLI fails
// the test with the script that installs it.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findAwsCli(path = process.env.PATH ?? ''): string {
  const candidates = ['/usr/bin/aws', ...path.split(delimiter).filter(Boolean).map((dir) => join(dir, 'aws'))];
  for (const candidate of candidates) {
    if (candidate.includes('/shims/')) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error('the aws CLI (Debian package awscli) is not installed: run scripts/install-test-tools (scripts/test runs it first)');
}
