// Evaluates the CloudFormation intrinsic functions our template uses (Ref,
// Fn::Sub, Fn::If, Fn::Join, Fn::GetAtt, conditions) for given parameter
// values, the way CloudFormation would, so a test can read the policies and
// environment a stack would really get. A resource reference resolves to a
// readable placeholder: `<Ref LogGroup>`, `<LogGroup.Arn>`.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface Template {
  Parameters: Record<string, { Default?: string | number }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, any>; Metadata?: unknown }>;
  Rules: Record<string, { Assertions: { Assert: unknown; AssertDescription: string }[] }>;
  Outputs: Record<string, unknown>;
}

export function readTemplate(path: string): Template {
  return parse(readFileSync(path, 'utf8')) as Template;
}

const NO_VALUE = Symbol('AWS::NoValue');
const PSEUDO: Record<string, string> = {
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '111122223333',
  'AWS::Partition': 'aws',
  'AWS::StackName': 'ecr-token-refresher',
};

export function createResolver(template: Template, given: Record<string, string>) {
  const params: Record<string, string> = {};
  for (const [name, p] of Object.entries(template.Parameters)) params[name] = given[name] ?? String(p.Default ?? '');
  const unknown = Object.keys(given).filter((name) => !(name in template.Parameters));
  if (unknown.length > 0) throw new Error(`not parameters of the template: ${unknown.join(', ')}`);

  const ref = (name: string): unknown => {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in params) return params[name];
    if (name in PSEUDO) return PSEUDO[name];
    if (name in template.Resources) return `<Ref ${name}>`;
    throw new Error(`Ref to unknown ${name}`);
  };
  const sub = (text: string, vars: Record<string, unknown>) =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name in vars) return String(resolve(vars[name]));
      if (name.includes('.')) return `<${name}>`;
      return String(ref(name));
    });
  const condition = (name: string): boolean => {
    const body = template.Conditions[name];
    if (body === undefined) throw new Error(`unknown condition ${name}`);
    return Boolean(resolve(body));
  };

  function resolve(node: unknown): any {
    if (Array.isArray(node)) return node.map(resolve).filter((v) => v !== NO_VALUE);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0]! as [string, any];
      switch (key) {
        case 'Ref':
          return ref(arg);
        case 'Fn::GetAtt':
          return `<${arg[0]}.${arg[1]}>`;
        case 'Fn::Sub':
          return typeof arg === 'string' ? sub(arg, {}) : sub(arg[0], arg[1]);
        case 'Fn::Join':
          return (resolve(arg[1]) as unknown[]).join(arg[0]);
        case 'Fn::If':
          return condition(arg[0]) ? resolve(arg[1]) : resolve(arg[2]);
        case 'Fn::Equals':
          return resolve(arg[0]) === resolve(arg[1]);
        case 'Fn::Not':
          return !resolve(arg[0]);
        case 'Fn::Or':
          return (arg as unknown[]).some((a) => resolve(a));
        case 'Fn::And':
          return (arg as unknown[]).every((a) => resolve(a));
        case 'Condition':
          return condition(arg);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]).filter(([, v]) => v !== NO_VALUE));
  }

  return {
    resolve,
    condition,
    /** The resources this stack would create, their properties resolved. */
    resources() {
      return Object.fromEntries(
        Object.entries(template.Resources)
          .filter(([, r]) => r.Condition === undefined || condition(r.Condition))
          .map(([name, r]) => [name, { Type: r.Type, Properties: resolve(r.Properties ?? {}) }]),
      );
    },
    /** Each rule assertion that fails for these parameters, by its description. */
    failedRules(): string[] {
      return Object.values(template.Rules).flatMap((rule) =>
        rule.Assertions.filter((a) => !resolve(a.Assert)).map((a) => a.AssertDescription),
      );
    },
  };
}
