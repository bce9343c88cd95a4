import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'sensitive-container-ports',
    title: 'SSH or privileged port declared',
    category: 'networking',
    severity: 'info',
    target: 'container',
    description:
      'A container that serves SSH (port 22) is usually a sign of a remote shell baked into the image, a standing way in for an attacker. Ports below 1024 need NET_BIND_SERVICE or root to bind, which works against a hardened container.',
    remediation: 'Remove SSH from the image and use `kubectl exec` or ephemeral containers for debugging; serve on a port of 1024 or above and map it in the Service.',
    messages: {
      ssh: 'Container "{{name}}" declares port 22 (SSH): a remote shell in the image is a standing way in for attackers. Remove it and debug with `kubectl exec` or ephemeral containers.',
      low: 'Container "{{name}}" declares port {{port}}, below 1024, which it can bind only as root or with NET_BIND_SERVICE. Serve on a port of 1024 or above and map it in the Service.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      for (const port of r.view.items(r.view.get(c.node, 'ports'))) {
        const p = r.view.pair(port, 'containerPort');
        const value = r.view.value(p?.value);
        if (typeof value !== 'number' || value >= 1024 || value <= 0) continue;
        ctx.report({ at: p, part: 'value', messageId: value === 22 ? 'ssh' : 'low', data: { name: c.name, port: value } });
      }
    });
  },
});
