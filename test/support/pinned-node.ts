// The Node.js releases scripts/supported-node.bash pins (NODE_VERSIONS), read from that file, the
// one place that names them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './root.js';

export function pinnedNodeVersions(): string[] {
  const script = readFileSync(join(ROOT, 'scripts', 'supported-node.bash'), 'utf8');
  const list = /^NODE_VERSIONS=\(([^)]*)\)$/m.exec(script)?.[1];
  if (!list) throw new Error('scripts/supported-node.bash no longer has a NODE_VERSIONS=(...) line');
  return list.trim().split(/\s+/);
}

/** The last release NODE_VERSIONS names: NODE_NEWEST, the image's Node. */
export function newestPinnedNode(): string {
  return pinnedNodeVersions().at(-1)!;
}
