import { forEachOwnedCapability, removeAddedCapability } from '../k8s/security.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'capabilities-add-restricted',
    title: 'Capability added beyond NET_BIND_SERVICE',
    category: 'capabilities',
    severity: 'warning',
    pss: 'restricted',
    target: 'container',
    description:
      "The restricted profile lets a container add back only NET_BIND_SERVICE. Every other capability, even one from the runtime's default set, widens what a compromised process can do.",
    remediation: "Remove the entry from `capabilities.add`; keep only `NET_BIND_SERVICE` if the container binds a port below 1024.",
    messages: {
      added:
        'Container "{{name}}" adds capability {{cap}}; the restricted profile allows adding only NET_BIND_SERVICE, so admission rejects the pod and a compromised process keeps {{cap}}. Remove it from `capabilities.add`.',
    },
  },
  check(ctx) {
    forEachOwnedCapability(ctx, 'capabilities-add-restricted', (entry, c, r) => {
      ctx.report({
        at: entry.node,
        messageId: 'added',
        data: { name: c.name, cap: entry.written },
        fixes: [removeAddedCapability(r, c, entry)],
      });
    });
  },
});
