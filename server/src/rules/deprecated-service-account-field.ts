import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'deprecated-service-account-field',
    title: 'Deprecated serviceAccount field',
    category: 'service-accounts',
    severity: 'warning',
    target: 'pod',
    description:
      '`spec.serviceAccount` is a deprecated alias of `serviceAccountName`. Tools and reviewers look for `serviceAccountName`, and when both are written and differ it is easy to misread which account the pod runs as.',
    remediation: 'Rename the key to `serviceAccountName` (or delete it when `serviceAccountName` is already there).',
    messages: {
      alias:
        'The pod uses the deprecated `serviceAccount` field; tools and reviewers look for `serviceAccountName`, so the account it runs as is easy to miss. Rename the key to `serviceAccountName`.',
      both:
        'The pod sets both `serviceAccount` ("{{alias}}") and `serviceAccountName` ("{{name}}"); the deprecated field is redundant and makes it easy to misread which account the pod runs as. Delete `serviceAccount`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const pod = r.pod;
    if (!pod) return;
    const v = r.view;
    const alias = v.pair(pod.node, 'serviceAccount');
    if (!alias || !pod.node.items.includes(alias)) return;
    const named = v.pair(pod.node, 'serviceAccountName');
    const key = alias.key as { range?: [number, number, number] };
    if (!named) {
      ctx.report({
        at: alias,
        messageId: 'alias',
        fixes: [
          {
            title: 'Rename the key to `serviceAccountName`',
            safety: 'safe',
            apply: (b) => b.replace(key.range![0], key.range![1], 'serviceAccountName'),
          },
        ],
      });
      return;
    }
    const aliasName = v.text(alias.value) ?? '';
    const name = v.text(named.value) ?? '';
    ctx.report({
      at: alias,
      messageId: 'both',
      data: { alias: aliasName, name },
      fixes: [
        {
          title: aliasName === name ? 'Delete the redundant `serviceAccount`' : `Delete \`serviceAccount\` (the pod keeps running as "${name}")`,
          // Kubernetes uses serviceAccountName when both are set, so deleting the alias changes nothing.
          safety: 'safe',
          apply: (b) => b.removePair(pod.node, alias),
        },
      ],
    });
  },
});
