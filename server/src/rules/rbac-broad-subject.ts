import { isBinding } from '../k8s/rbac.ts';
import { defineRule } from '../engine/rule.ts';

const BROAD: Record<string, string> = {
  'system:anonymous': 'every request that carries no credentials',
  'system:unauthenticated': 'every request that carries no credentials',
  'system:authenticated': 'every user and service account that can log in, in any namespace',
  'system:masters': 'a group that bypasses RBAC entirely',
};

export default defineRule({
  meta: {
    id: 'rbac-broad-subject',
    title: 'Binding to a built-in catch-all subject',
    category: 'rbac',
    severity: 'error',
    target: 'object',
    description:
      'The built-in groups `system:anonymous`, `system:unauthenticated` and `system:authenticated` stand for everyone (without or with any credentials), and `system:masters` bypasses RBAC. Binding a role to them grants it far beyond the intended subjects.',
    remediation: 'Bind the specific users, groups or service accounts that need the role.',
    messages: {
      broad:
        '{{kind}} "{{name}}" grants its role to `{{subject}}`, which is {{who}}. Bind the specific users, groups or service accounts instead.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!isBinding(r)) return;
    const v = r.view;
    const seq = v.seq(v.get(r.root, 'subjects'));
    if (!seq) return;
    for (const subject of seq.items) {
      const namePair = v.pair(subject, 'name');
      const name = v.text(namePair?.value);
      if (!name || !(name in BROAD)) continue;
      ctx.report({
        at: namePair,
        part: 'value',
        messageId: 'broad',
        data: { kind: r.kind, name: r.name ?? '?', subject: name, who: BROAD[name]! },
        fixes: [
          {
            title: `Remove the subject \`${name}\` (whoever relied on it loses the role)`,
            safety: 'suggestion',
            apply: (b) => b.removeItem(seq, subject),
          },
        ],
      });
    }
  },
});
