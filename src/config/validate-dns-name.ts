// Kubernetes object names, checked before any call so a typo is a start-up
// error, not a 422 at the first refresh. Namespaces are DNS-1123 labels;
// Secret and Lease names are DNS-1123 subdomains.
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const RULES = {
  label: { pattern: LABEL, max: 63, what: 'DNS-1123 label', fix: "use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters" },
  subdomain: { pattern: SUBDOMAIN, max: 253, what: 'DNS-1123 subdomain', fix: "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters" },
} as const;

/** Undefined when the name is valid, otherwise what is wrong and how to fix it. */
export function validateDnsName(name: string, kind: keyof typeof RULES): string | undefined {
  const rule = RULES[kind];
  if (name.length <= rule.max && rule.pattern.test(name)) return undefined;
  return `${JSON.stringify(name)} is not a valid ${rule.what}: ${rule.fix}`;
}
