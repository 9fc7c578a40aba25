// RBAC for a test identity on the real API server: a ServiceAccount with a
// Role of exactly the given rules, bound in one namespace.
import type { KubeApiServer } from '../../support/kube/start-kube-api-server.js';

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export async function kubectlOk(kube: KubeApiServer, args: string[], input?: string): Promise<string> {
  const result = await kube.kubectl(args, { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

export async function createNamespace(kube: KubeApiServer, name: string): Promise<void> {
  await kubectlOk(kube, ['create', 'namespace', name]);
}

/** Creates ServiceAccount `name` in `namespace` holding a Role with `rules`; returns a token for it. */
export async function serviceAccountWith(kube: KubeApiServer, namespace: string, name: string, rules: Rule[]): Promise<string> {
  const manifest = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ];
  await kubectlOk(kube, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifest }));
  return kube.serviceAccountToken(namespace, name);
}

export async function getJson<T = Record<string, unknown>>(kube: KubeApiServer, args: string[]): Promise<T> {
  return JSON.parse(await kubectlOk(kube, ['get', ...args, '-o', 'json'])) as T;
}
