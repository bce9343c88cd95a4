import { grantsEverything, isBinding, isRole } from '../k8s/rbac.ts';
import type { Resource } from '../k8s/resource.ts';
import { defineRule, type Report } from '../engine/rule.ts';

function roleRef(r: Resource): { kind: string | undefined; name: string | undefined; namePair: Report['at'] } {
  const v = r.view;
  const ref = v.get(r.root, 'roleRef');
  return { kind: v.text(v.get(ref, 'kind')), name: v.text(v.get(ref, 'name')), namePair: v.pair(ref, 'name') };
}

export default defineRule({
  meta: {
    id: 'cluster-admin-binding',
    title: 'Binding to cluster-admin',
    category: 'rbac',
    severity: 'error',
    target: 'object',
    description:
      '`cluster-admin` can do anything to any object in the cluster, Secrets and RBAC included. A workload or user bound to it turns any compromise of theirs into a compromise of the whole cluster.',
    remediation: 'Bind a role that grants only what the subject needs; keep cluster-admin for break-glass human access.',
    messages: {
      clusterAdmin:
        '{{kind}} "{{name}}" grants cluster-admin, which can read every Secret and change anything in the cluster, so a compromise of its subjects is a compromise of the cluster. Bind a role with only the permissions they need.',
      equivalent:
        '{{kind}} "{{name}}" binds {{roleKind}} "{{role}}", which grants every verb on every resource, the same as cluster-admin. Bind a role with only the permissions the subjects need.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!isBinding(r)) return;
    const ref = roleRef(r);
    if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') {
      ctx.report({ at: ref.namePair, part: 'value', messageId: 'clusterAdmin', data: { kind: r.kind, name: r.name ?? '?' } });
    }
  },
  checkFile(ctx) {
    // A role in the same file that grants everything is cluster-admin under another name.
    const everything = new Map<string, Resource>();
    for (const role of ctx.resources) {
      if (isRole(role) && role.name && role.name !== 'cluster-admin' && grantsEverything(role)) everything.set(`${role.kind}/${role.name}`, role);
    }
    if (everything.size === 0) return;
    for (const r of ctx.resources) {
      if (!isBinding(r)) continue;
      const ref = roleRef(r);
      const role = ref.kind && ref.name ? everything.get(`${ref.kind}/${ref.name}`) : undefined;
      if (!role) continue;
      ctx.report(r, {
        at: ref.namePair,
        part: 'value',
        messageId: 'equivalent',
        data: { kind: r.kind, name: r.name ?? '?', roleKind: role.kind, role: role.name ?? '?' },
      });
    }
  },
});
