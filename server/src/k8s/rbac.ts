// RBAC objects: Roles and ClusterRoles with their rules, bindings with their role and subjects.
import type { Resource } from './resource.ts';

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
