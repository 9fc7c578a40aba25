// The function's code folder as it is deployed, in a folder of the caller's
// (outside the repository, like Lambda's unzipped code: no package.json beside
// it), made from the current build by scripts/package-lambda.mjs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt } from '../../support/ensure-built.js';
import { ROOT } from '../../support/root.js';

export async function packageFunction(folder: string): Promise<string> {
  await ensureBuilt();
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package-lambda.mjs'), folder], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`packaging the function failed (exit ${result.status}): ${result.stderr}`);
  return folder;
}
