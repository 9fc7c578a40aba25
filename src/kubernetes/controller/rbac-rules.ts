// The RBAC a cluster-wide pull Secret target needs, from its selection: what
// --dry-run prints and what the chart grants. Plain namespace names need a
// Role in each; a glob or a label selector needs a ClusterRole, since the
// namespaces must be listed and watched, and then Secrets and ServiceAccounts
// are watched across the cluster.
import { fixedNamespaces, type NamespaceSelection } from './selection.js';

export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface RbacNeed {
  /** `ClusterRole`, or `Role` in each of `namespaces`. */
  kind: 'ClusterRole' | 'Role';
  namespaces?: string[];
  rules: RbacRule[];
}

export function rbacRules(selection: NamespaceSelection): RbacNeed {
  const secretVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', ...(selection.prune ? ['delete'] : [])];
  const rules: RbacRule[] = [
    { apiGroups: [''], resources: ['secrets'], verbs: secretVerbs },
    ...(selection.serviceAccounts.length > 0 ? [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['list', 'watch', 'patch'] }] : []),
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
  ];
  const fixed = fixedNamespaces(selection);
  if (fixed) return { kind: 'Role', namespaces: fixed, rules };
  return { kind: 'ClusterRole', rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] }, ...rules] };
}
