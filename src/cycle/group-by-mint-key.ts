// Targets that share a (region, registry, role) share one ECR call per cycle.
import type { TargetConfig } from '../config/config.js';
import { mintKeyId } from '../ecr/ecr-token.js';

export function groupByMintKey<E extends { target: TargetConfig }>(entries: readonly E[]): E[][] {
  const groups = new Map<string, E[]>();
  for (const entry of entries) {
    const id = mintKeyId(entry.target);
    const group = groups.get(id);
    if (group) group.push(entry);
    else groups.set(id, [entry]);
  }
  return [...groups.values()];
}
