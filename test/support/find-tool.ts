// Finds an external test tool: the project's own .tools/bin first (where
// scripts/install-test-tools puts pinned versions), then PATH the way a shell
// would. A missing tool is an error naming the install command, never a
// reason to skip a test.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ROOT } from './root.js';

const PROJECT_TOOLS = join(ROOT, '.tools', 'bin');

export function findTool(name: string, path = process.env.PATH ?? ''): string {
  for (const dir of [PROJECT_TOOLS, ...path.split(delimiter).filter(Boolean)]) {
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} is in neither .tools/bin nor PATH: run scripts/install-test-tools (scripts/test runs it first)`);
}
