import { containerSecurityContext, effective, podSecurityContext } from '../k8s/pod.ts';
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
      podConflict:
        'The pod sets `runAsUser: 0` together with `runAsNonRoot: true`, so the kubelet refuses to start every container that does not override the user, and restricted admission rejects user 0. Use a non-zero UID.',
      containerConflict:
        'Container "{{name}}" sets `runAsUser: 0` while `runAsNonRoot` is true, so the kubelet refuses to start it, and restricted admission rejects user 0. Use a non-zero UID.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const pod = r.pod;
    if (!pod) return;
    const v = r.view;
    const podSc = podSecurityContext(r, pod);
    const podUser = v.pair(podSc, 'runAsUser');
    if (podUser && v.value(podUser.value) === 0) {
      // With runAsNonRoot: true the kubelet refuses user 0 rather than running it.
      const conflict = v.value(v.get(podSc, 'runAsNonRoot')) === true;
      ctx.report({ at: podUser, part: 'value', messageId: conflict ? 'podConflict' : 'pod' });
    }
    for (const c of pod.containers) {
      const own = v.pair(containerSecurityContext(r, c), 'runAsUser');
      if (own && v.value(own.value) === 0) {
        const conflict = effective(r, pod, c, 'runAsNonRoot').value === true;
        ctx.report({ at: own, part: 'value', messageId: conflict ? 'containerConflict' : 'container', data: { name: c.name } });
      }
    }
  },
});
