import { containerSecurityContext, podSecurityContext } from '../k8s/pod.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'run-as-root-user',
    title: 'Runs as user 0 (root)',
    category: 'security-context',
    severity: 'error',
    pss: 'restricted',
    target: 'pod',
    description:
      '`runAsUser: 0` runs the container\'s processes as root. Root inside a container shares the kernel with the node, so any escape or misconfigured mount becomes root on the node.',
    remediation: 'Set `runAsUser` to a non-zero UID the image supports (and `runAsNonRoot: true`).',
    messages: {
      pod: 'The pod sets `runAsUser: 0`, so every container that does not override it runs as root, and a container escape becomes root on the node. Use a non-zero UID.',
      container:
        'Container "{{name}}" sets `runAsUser: 0` and runs as root, so a container escape becomes root on the node. Use a non-zero UID.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const pod = r.pod;
    if (!pod) return;
    const podUser = r.view.pair(podSecurityContext(r, pod), 'runAsUser');
    if (podUser && r.view.value(podUser.value) === 0) ctx.report({ at: podUser, part: 'value', messageId: 'pod' });
    for (const c of pod.containers) {
      const own = r.view.pair(containerSecurityContext(r, c), 'runAsUser');
      if (own && r.view.value(own.value) === 0) {
        ctx.report({ at: own, part: 'value', messageId: 'container', data: { name: c.name } });
      }
    }
  },
});
