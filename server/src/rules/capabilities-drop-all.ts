import { isWindowsPod } from '../k8s/pod.ts';
import { addToDrop, capabilitiesOf } from '../k8s/security.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'capabilities-drop-all',
    title: 'Capabilities not dropped',
    category: 'capabilities',
    severity: 'warning',
    pss: 'restricted',
    target: 'container',
    description:
      'Containers start with a default set of Linux capabilities (NET_RAW, CHOWN, SETUID and others) that most applications never use but an attacker can. Dropping ALL and adding back only what is needed shrinks what a compromised process can do.',
    remediation: 'Add `capabilities: {drop: [ALL]}` to the container securityContext; add back `NET_BIND_SERVICE` only if it binds a port below 1024.',
    messages: {
      missing:
        'Container "{{name}}" does not drop ALL capabilities, so it keeps the runtime\'s defaults (NET_RAW, SETUID, CHOWN and more) for an attacker to use, and restricted admission rejects it. Add `capabilities: {drop: [ALL]}` to its securityContext.',
      partial:
        'Container "{{name}}" drops some capabilities but not ALL, so it keeps every runtime default it does not list (SETUID, CHOWN and others) for an attacker to use, and restricted admission rejects it. Add `ALL` to `capabilities.drop`.',
      spelling:
        'Container "{{name}}" drops `{{written}}`, but Pod Security admission recognises only `ALL` spelled exactly so, and restricted admission rejects the pod. Write `ALL`.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, pod, r) => {
      if (isWindowsPod(r, pod)) return;
      const caps = capabilitiesOf(r, c);
      if (caps.drop.some((d) => d.written === 'ALL')) return;
      // `all` or `CAP_ALL`: Pod Security admission compares the name exactly.
      const variant = caps.drop.find((d) => d.cap === 'ALL');
      if (variant) {
        const node = variant.node;
        // Runtimes compare `all` without regard to case, so upper-casing it changes nothing. They do
        // not strip a `CAP_` prefix (containerd turns `CAP_ALL` into the unknown CAP_CAP_ALL), so
        // `CAP_ALL` may have dropped nothing: writing `ALL` can take capabilities away.
        const caseOnly = variant.written.trim().toUpperCase() === 'ALL';
        ctx.report({
          at: node,
          messageId: 'spelling',
          data: { name: c.name, written: variant.written },
          fixes: [
            caseOnly
              ? { title: 'Write `ALL`', safety: 'safe', apply: (b) => b.replace(node.range![0], node.range![1], 'ALL') }
              : {
                  title: `Write \`ALL\` (runtimes may not have read \`${variant.written}\` as ALL: the app may lose defaults such as CHOWN and SETUID)`,
                  safety: 'suggestion',
                  apply: (b) => b.replace(node.range![0], node.range![1], 'ALL'),
                },
          ],
        });
        return;
      }
      const messageId = caps.drop.length > 0 ? 'partial' : 'missing';
      ctx.report({
        at: caps.dropPair ?? caps.pair ?? c.anchor,
        messageId,
        data: { name: c.name },
        fixes: [
          { title: 'Drop all capabilities (`capabilities.drop: [ALL]`; the app loses defaults such as CHOWN and SETUID)', safety: 'suggestion', apply: addToDrop(c, 'ALL') },
        ],
      });
    });
  },
});
