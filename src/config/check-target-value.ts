// Checks one raw value of a target key, from the env (single-target form) or
// a `targets:` item: the value trimmed, or a message with the fix.
import type { SecretFormat } from './config.js';
import { suggestName } from './suggest-name.js';
import type { TargetKey } from './target-settings.js';
import { validateDnsName } from './validate-dns-name.js';
import { validateSecretSetName } from './validate-secret-set-name.js';

const FORMATS: readonly SecretFormat[] = ['auto', 'triplet', 'image-pull-secret'];
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const PCC_REGION = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export type TargetValue = { ok: true; value: string } | { ok: false; message: string };

export function checkTargetValue(key: TargetKey, raw: unknown): TargetValue {
  if (key === 'kubernetesSecret') return checkKubernetesSecret(raw);
  if (key === 'registryId' && typeof raw === 'number') {
    // YAML reads an unquoted account id as a number and drops leading zeros.
    const digits = Number.isInteger(raw) ? String(raw) : '';
    if (/^\d{12}$/.test(digits)) return { ok: true, value: digits };
    return { ok: false, message: 'must be a 12-digit AWS account id: quote it ("012345678901") so leading zeros survive' };
  }
  if (typeof raw !== 'string') return { ok: false, message: `must be a string, not ${Array.isArray(raw) ? 'a list' : typeof raw}` };
  const value = raw.trim();
  const quoted = JSON.stringify(raw);
  switch (key) {
    case 'secretSet': {
      const problem = validateSecretSetName(value);
      return problem ? { ok: false, message: problem } : { ok: true, value };
    }
    case 'format': {
      if ((FORMATS as readonly string[]).includes(value)) return { ok: true, value };
      const suggestion = suggestName(value, FORMATS);
      return {
        ok: false,
        message: `${quoted} is not a secret format: ${suggestion ? `did you mean \`${suggestion}\`? ` : ''}use auto, triplet or image-pull-secret`,
      };
    }
    case 'pccRegion':
      return PCC_REGION.test(value)
        ? { ok: true, value }
        : { ok: false, message: `${quoted} is not a Pipecat Cloud region: use lowercase letters, digits and '-', like us-west` };
    case 'awsRegion':
      return AWS_REGION.test(value)
        ? { ok: true, value }
        : { ok: false, message: `${quoted} is not an AWS region: use a region code like us-east-1 or eu-west-1` };
    case 'registryId':
      return /^\d{12}$/.test(value)
        ? { ok: true, value }
        : { ok: false, message: `${quoted} is not an AWS account id: use the 12 digits of the registry's account, like 123456789012` };
    case 'roleArn':
      return ROLE_ARN.test(value)
        ? { ok: true, value }
        : { ok: false, message: `${quoted} is not an IAM role ARN: use arn:aws:iam::<12-digit account>:role/<name>` };
  }
}

const SECRET_FORM = 'write `kubernetesSecret: { namespace: agents, name: ecr-pull }` (KUBERNETES_SECRET=agents/ecr-pull)';

/** A pull Secret's place, as `namespace/name`: a mapping in the file, `namespace/name` in the env. */
function checkKubernetesSecret(raw: unknown): TargetValue {
  let namespace: unknown;
  let name: unknown;
  if (typeof raw === 'string') [namespace, name] = raw.trim().split('/').length === 2 ? raw.trim().split('/') : [];
  else if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) ({ namespace, name } = raw as Record<string, unknown>);
  if (typeof namespace !== 'string' || typeof name !== 'string') {
    return { ok: false, message: `needs a namespace and a name: ${SECRET_FORM}` };
  }
  const namespaceProblem = validateDnsName(namespace.trim(), 'label');
  if (namespaceProblem) return { ok: false, message: `namespace ${namespaceProblem}` };
  const nameProblem = validateDnsName(name.trim(), 'subdomain');
  if (nameProblem) return { ok: false, message: `name ${nameProblem}` };
  return { ok: true, value: `${namespace.trim()}/${name.trim()}` };
}
