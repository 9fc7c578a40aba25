// Builds the CLI and copies it aside (dist/ plus package.json, which the CLI
// reads its version from), so a rebuild by someone else mid-run cannot
// change what is being measured. The copy stays inside the repository so
// that node_modules resolves as it does for dist/.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from '../test/support/ensure-built.js';

export const OUT = join(ROOT, '.bench-out');

export async function prepareApp(): Promise<string> {
  await ensureBuilt();
  const app = join(OUT, 'app');
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  const cli = join(app, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`build produced no ${cli}`);
  return cli;
}
