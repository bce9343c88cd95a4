import { isWindowsPod } from '../k8s/pod.ts';
import { addedCapabilityChain, addToDrop, capabilitiesOf, removeAddedCapability } from '../k8s/security.ts';
import { defineRule, forEachContainer, owner, type Fix } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'net-raw',
    title: 'NET_RAW capability kept',
    category: 'capabilities',
    severity: 'warning',
    pss: 'baseline',
    target: 'container',
    description:
      'NET_RAW lets a process craft raw packets: spoof addresses, answer ARP for other pods, and attack the node\'s network stack. Runtimes grant it by default, so it has to be dropped explicitly.',
    remediation: 'Remove NET_RAW from `capabilities.add` and put `NET_RAW` (or `ALL`) in `capabilities.drop`.',
    messages: {
      added:
        'Container "{{name}}" adds NET_RAW, which lets it forge packets and spoof other pods on the network; baseline admission rejects it. Remove it from `capabilities.add`.',
      notDropped:
        'Container "{{name}}" keeps NET_RAW (the runtime grants it by default), so a compromised process can forge packets and spoof other pods. Add `NET_RAW` or `ALL` to `capabilities.drop`.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, pod, r) => {
      const caps = capabilitiesOf(r, c);
      let added = false;
      for (const entry of caps.add) {
        if (entry.cap !== 'NET_RAW' && entry.cap !== 'ALL') continue;
        added = true;
        if (entry.cap === 'NET_RAW' && owner(ctx, addedCapabilityChain('NET_RAW')) === 'net-raw') {
          const remove = removeAddedCapability(r, c, entry);
          const dropped = caps.drop.some((d) => d.written === 'NET_RAW' || d.written === 'ALL');
          const fix: Fix = dropped
            ? remove
            : {
                title: 'Remove `NET_RAW` from `capabilities.add` and drop it (ping and raw sockets stop working)',
                safety: 'suggestion',
                apply: (b) => {
                  remove.apply(b);
                  addToDrop(c, 'NET_RAW')(b);
                },
              };
          ctx.report({ at: entry.node, messageId: 'added', data: { name: c.name }, severity: 'error', fixes: [fix] });
        }
      }
      if (added || isWindowsPod(r, pod)) return;
      if (caps.drop.some((d) => d.cap === 'NET_RAW' || d.cap === 'ALL')) return;
      // Dropping ALL fixes this too; when that rule is on it already says so on this spot.
      if (ctx.isActive('capabilities-drop-all')) return;
      ctx.report({
        at: caps.dropPair ?? caps.pair ?? c.anchor,
        messageId: 'notDropped',
        data: { name: c.name },
        fixes: [{ title: 'Add `NET_RAW` to `capabilities.drop` (ping and raw sockets stop working)', safety: 'suggestion', apply: addToDrop(c, 'NET_RAW') }],
      });
    });
  },
});
