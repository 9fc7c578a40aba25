// `registries:` of a cluster-wide pull Secret target: several ECR registries
// (regions, accounts, roles) whose entries go into the one Secret's `auths`.
// The first is the target's own mint key (minted by the cycle, shared with
// every target that has the same key); the others are minted once per cycle
// by the cluster sink and shared by every cluster-wide target that lists them.
import { checkTargetValue } from '../../config/validate.js';
import { unknownKeyProblems, type ConfigProblem } from '../../config/config-error.js';
import { mintKeyId, type MintKey } from '../../ecr/ecr-token.js';

const REGISTRY_KEYS = ['awsRegion', 'registryId', 'roleArn'] as const;

export function readRegistries(raw: unknown, field: string): { registries?: MintKey[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  if (!Array.isArray(raw) || raw.length === 0) {
    return { problems: [{ field, message: 'must be a list of registries, e.g. [{ awsRegion: us-east-1, registryId: "123456789012" }]' }] };
  }
  const registries: MintKey[] = [];
  for (const [index, item] of raw.entries()) {
    const at = `${field}[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ field: at, message: 'must be a mapping with awsRegion and, optionally, registryId and roleArn' });
      continue;
    }
    const entry = item as Record<string, unknown>;
    problems.push(...unknownKeyProblems(entry, `${at}.`, { keys: REGISTRY_KEYS }));
    const key: Partial<MintKey> = {};
    for (const name of REGISTRY_KEYS) {
      if (entry[name] === undefined) continue;
      const checked = checkTargetValue(name, entry[name]);
      if (checked.ok) key[name] = checked.value;
      else problems.push({ field: `${at}.${name}`, message: checked.message });
    }
    if (entry.awsRegion === undefined) problems.push({ field: `${at}.awsRegion`, message: "required: the registry's region, like us-east-1" });
    if (key.awsRegion) registries.push(key as MintKey);
  }
  const seen = new Set<string>();
  for (const [index, key] of registries.entries()) {
    if (seen.has(mintKeyId(key))) problems.push({ field: `${field}[${index}]`, message: 'is listed twice: remove the copy' });
    seen.add(mintKeyId(key));
  }
  return problems.length > 0 ? { problems } : { registries, problems };
}
