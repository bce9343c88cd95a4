import { coversCoreGroup, isRole, rulesOf } from '../k8s/rbac.ts';
import { defineRule } from '../engine/rule.ts';

const READ = ['get', 'list', 'watch', '*'];

export default defineRule({
  meta: {
    id: 'rbac-secrets-access',
    title: 'Role can read Secrets',
    category: 'rbac',
    severity: 'warning',
    target: 'object',
    description:
      'Reading Secrets gives every credential stored in them: database passwords, API keys, service account tokens, TLS keys. `list` and `watch` hand over all Secrets of the namespace (or cluster) at once, not just one.',
    remediation: 'Grant `get` on the named Secrets the subject needs (`resourceNames`), or mount them into the pod instead of reading them through the API.',
    messages: {
      secrets:
        '{{kind}} "{{name}}" grants {{verbs}} on Secrets{{scope}}, which hands over every credential stored in them. Grant `get` on the named Secrets it needs (`resourceNames`), or mount them instead.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!isRole(r)) return;
    for (const rule of rulesOf(r)) {
      if (!coversCoreGroup(rule)) continue;
      const verbs = rule.verbs.filter((v) => READ.includes(v));
      if (verbs.length === 0) continue;
      const named = r.view.items(r.view.get(rule.node, 'resourceNames')).length > 0;
      // `get` on named Secrets is the narrow way to grant access.
      if (named && verbs.every((v) => v === 'get')) continue;
      const secrets = rule.resources.find((x) => x.text === 'secrets');
      const all = rule.resources.find((x) => x.text === '*');
      if (!secrets && !all) continue;
      ctx.report({
        // A `*` item is rbac-wildcard's; underline the resources key instead.
        at: secrets ? secrets.node : rule.resourcesPair,
        messageId: 'secrets',
        data: {
          kind: r.kind,
          name: r.name ?? '?',
          verbs: verbs.map((v) => `\`${v}\``).join(', '),
          scope: r.kind === 'ClusterRole' ? ' in every namespace it is bound to' : '',
        },
      });
    }
  },
});
