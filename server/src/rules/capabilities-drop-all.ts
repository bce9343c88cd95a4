import { isWindowsPod } from '../k8s/pod.ts';
import { capabilitiesOf } from '../k8s/security.ts';
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
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, pod, r) => {
      if (isWindowsPod(r, pod)) return;
      const caps = capabilitiesOf(r, c);
      if (caps.drop.some((d) => d.cap === 'ALL')) return;
      ctx.report({ at: caps.dropPair ?? caps.pair ?? c.anchor, messageId: 'missing', data: { name: c.name } });
    });
  },
});
