import { grantOfAny, isRole, rulesOf, type GrantSpec } from '../k8s/rbac.ts';
import { defineRule } from '../engine/rule.ts';

/** The workload kinds, each under the API group that serves it. */
const WORKLOADS: readonly GrantSpec[] = [
  { groups: [''], resources: ['pods', 'replicationcontrollers'], verbs: ['create'] },
  { groups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['create'] },
  { groups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['create'] },
];

export default defineRule({
  meta: {
    id: 'rbac-create-workloads',
    title: 'Role can create workloads',
    category: 'rbac',
    severity: 'info',
    target: 'object',
    description:
      'Whoever creates a Pod, directly or through a Deployment, Job or other controller, chooses its image, command, volumes and service account. A subject that may create workloads in a namespace can therefore act as any service account of that namespace, read any of its Secrets by mounting them, and, where Pod Security admission does not stop it, start a privileged pod that takes over the node.',
    remediation:
      'Grant `create` on workloads only to the deployers and controllers that need it, in their own namespaces, and enforce Pod Security admission there so the pods they create cannot be privileged.',
    messages: {
      create:
        '{{kind}} "{{name}}" lets its subjects create {{resources}}{{scope}}. A new workload can run any image as any service account of its namespace and mount its Secrets, so whoever holds this role gets those rights too. Bind it only to trusted deployers and controllers, and enforce Pod Security admission where it applies.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!isRole(r)) return;
    for (const rule of rulesOf(r)) {
      const g = grantOfAny(rule, WORKLOADS);
      if (!g) continue;
      // In the order the role lists them; `*` items are rbac-wildcard's.
      const named = rule.resources.filter((i) => i.text !== '*' && g.resources.includes(i));
      const explicit = named[0];
      const listed = named.length > 0 ? named.map((i) => `\`${i.text}\``).join(', ') : `${g.covered.map((res) => `\`${res}\``).join(', ')} (through \`*\`)`;
      ctx.report({
        // A `*` item is rbac-wildcard's; when only `*` grants it, underline the resources key.
        at: explicit ? explicit.node : rule.resourcesPair,
        messageId: 'create',
        data: {
          kind: r.kind,
          name: r.name ?? '?',
          resources: listed,
          scope: r.kind === 'ClusterRole' ? ' in every namespace it is bound to' : r.namespace ? ` in namespace "${r.namespace}"` : '',
        },
      });
    }
  },
});
