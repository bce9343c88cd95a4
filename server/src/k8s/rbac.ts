// RBAC objects: Roles and ClusterRoles with their rules, bindings with their role and subjects.
import type { Resource } from './resource.ts';
import type { AnyNode, Pair } from '../yaml/nodes.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function isRole(r: Resource): boolean {
  return r.group === RBAC_GROUP && (r.kind === 'Role' || r.kind === 'ClusterRole');
}

export function isBinding(r: Resource): boolean {
  return r.group === RBAC_GROUP && (r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding');
}

/** Whether a role grants everything: some rule with `*` for API groups, resources and verbs. */
export function grantsEverything(r: Resource): boolean {
  const v = r.view;
  return v.items(v.get(r.root, 'rules')).some((rule) =>
    ['apiGroups', 'resources', 'verbs'].every((f) => v.strings(v.get(rule, f)).includes('*')),
  );
}

export interface RbacRule {
  node: AnyNode;
  apiGroups: string[];
  resources: { text: string; node: AnyNode }[];
  resourcesPair: Pair | undefined;
  verbs: string[];
}

/** The rules of a Role or ClusterRole, read once. */
export function rulesOf(r: Resource): RbacRule[] {
  const v = r.view;
  return v.items(v.get(r.root, 'rules')).map((node) => ({
    node,
    apiGroups: v.strings(v.get(node, 'apiGroups')),
    resources: v.items(v.get(node, 'resources')).flatMap((n) => {
      const text = v.text(n);
      return text === undefined ? [] : [{ text, node: n }];
    }),
    resourcesPair: v.pair(node, 'resources'),
    verbs: v.strings(v.get(node, 'verbs')),
  }));
}

/** Whether a rule's API groups include the core group (`""`) or every group. */
export function coversCoreGroup(rule: RbacRule): boolean {
  return rule.apiGroups.includes('') || rule.apiGroups.includes('*');
}
