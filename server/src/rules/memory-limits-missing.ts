import { missingResource } from '../k8s/resources.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'memory-limits-missing',
    title: 'Memory limit missing',
    category: 'resources',
    severity: 'warning',
    target: 'container',
    description:
      "Without a memory limit a leak in one container grows until the node runs out of memory, and the kernel then kills processes on the node, possibly in other pods.",
    remediation: "Set `resources.limits.memory` (often equal to the request).",
    messages: {
      missing:
        'Container "{{name}}" has no memory limit, so a leak can grow until the node runs out of memory and the kernel kills processes in other pods. Set `resources.limits.memory` (often equal to the request).',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const at = missingResource(r, c, 'limits', 'memory');
      if (at) ctx.report({ at, messageId: 'missing', data: { name: c.name } });
    });
  },
});
