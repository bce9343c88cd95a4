import { BASELINE_CAPABILITIES, forEachOwnedCapability, removeAddedCapability } from '../k8s/security.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'capabilities-add-baseline',
    title: 'Dangerous capability added',
    category: 'capabilities',
    severity: 'error',
    pss: 'baseline',
    target: 'container',
    description:
      "Capabilities outside the runtime's default set (NET_ADMIN, SYS_PTRACE, SYS_MODULE, BPF, ALL and others) give a process powers over the node's kernel, network or other processes, and the baseline profile forbids them.",
    remediation: "Remove the entry from `capabilities.add`; if one is truly required, run the workload in a namespace with a policy made for it.",
    messages: {
      added:
        'Container "{{name}}" adds capability {{cap}}, which is outside the default set and gives the process power over the node\'s kernel, network or other processes; baseline admission rejects it. Remove it from `capabilities.add`.',
      spelling:
        'Container "{{name}}" adds `{{cap}}`; Pod Security admission compares capability names exactly and allows only `{{canonical}}` as written, so baseline admission rejects the pod. Write `{{canonical}}`.',
    },
  },
  check(ctx) {
    forEachOwnedCapability(ctx, 'capabilities-add-baseline', (entry, c, r) => {
        // A default-set capability lands here only because of how it is spelled.
        const spelling = BASELINE_CAPABILITIES.has(entry.cap) || entry.cap === 'NET_BIND_SERVICE';
        const node = entry.node;
        // Runtimes upper-case capability names, so fixing the case changes nothing at run time. They
        // do not strip a `CAP_` prefix (containerd asks for CAP_CAP_CHOWN, which does not exist), so
        // dropping the prefix may grant a capability the container does not get now.
        const caseOnly = entry.written.trim().toUpperCase() === entry.cap;
        ctx.report({
          at: node,
          messageId: spelling ? 'spelling' : 'added',
          data: { name: c.name, cap: entry.written, canonical: entry.cap },
          fixes: spelling
            ? [
                {
                  title: caseOnly
                    ? `Write \`${entry.cap}\``
                    : `Write \`${entry.cap}\` (runtimes may not have read \`${entry.written}\` as ${entry.cap}: the container may gain that capability)`,
                  safety: caseOnly ? 'safe' : 'suggestion',
                  apply: (b) => b.replace(node.range![0], node.range![1], entry.cap),
                  // Spelled right, a default-set capability is the restricted profile's concern.
                  reveals: ['capabilities-add-restricted'],
                },
              ]
            : [removeAddedCapability(r, c, entry)],
        });
    });
  },
});
