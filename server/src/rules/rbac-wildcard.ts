import { isRole } from '../k8s/rbac.ts';
import { defineRule } from '../engine/rule.ts';

const FIELDS = ['apiGroups', 'resources', 'verbs'] as const;

export default defineRule({
  meta: {
    id: 'rbac-wildcard',
    title: 'Wildcard in an RBAC rule',
    category: 'rbac',
    severity: 'warning',
    target: 'object',
    description:
      'A `*` in an RBAC rule grants every API group, resource or verb, including ones added later by new Kubernetes versions and CRDs. Roles written with wildcards grow silently and are hard to review.',
    remediation: 'List the API groups, resources and verbs the subject needs, one by one.',
    messages: {
      wildcard:
        '{{kind}} "{{name}}" grants `*` in `{{field}}`, so it covers every {{what}}, including any added later by upgrades and CRDs. List the {{what}}s the subject needs instead.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!isRole(r)) return;
    const v = r.view;
    const what: Record<(typeof FIELDS)[number], string> = { apiGroups: 'API group', resources: 'resource', verbs: 'verb' };
    for (const rule of v.items(v.get(r.root, 'rules'))) {
      for (const field of FIELDS) {
        for (const item of v.items(v.get(rule, field))) {
          if (v.text(item) !== '*') continue;
          ctx.report({ at: item, messageId: 'wildcard', data: { kind: r.kind, name: r.name ?? '?', field, what: what[field] } });
        }
      }
    }
  },
});
