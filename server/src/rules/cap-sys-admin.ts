import { forEachOwnedCapability, removeAddedCapability } from '../k8s/security.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'cap-sys-admin',
    title: 'CAP_SYS_ADMIN added',
    category: 'capabilities',
    severity: 'error',
    pss: 'baseline',
    target: 'container',
    description:
      "SYS_ADMIN is the catch-all capability: it allows mounting file systems, changing namespaces and many other operations that lead straight out of the container.",
    remediation: "Remove `SYS_ADMIN` from `capabilities.add`.",
    messages: {
      added:
        'Container "{{name}}" adds SYS_ADMIN, the capability behind most container escapes (mounts, namespace changes, device access); it is nearly as powerful as privileged mode. Remove it from `capabilities.add`.',
    },
  },
  check(ctx) {
    forEachOwnedCapability(ctx, 'cap-sys-admin', (entry, c, r) => {
      ctx.report({
        at: entry.node,
        messageId: 'added',
        data: { name: c.name, cap: entry.written },
        fixes: [removeAddedCapability(r, c, entry)],
      });
    });
  },
});
