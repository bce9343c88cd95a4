import { missingResource } from '../k8s/resources.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'memory-requests-missing',
    title: 'Memory request missing',
    category: 'resources',
    severity: 'warning',
    target: 'container',
    description:
      "Without a memory request the scheduler can pack the pod onto a node that does not have the memory it uses, and under memory pressure it is among the first to be evicted.",
    remediation: "Set `resources.requests.memory` to the container's normal working set (for example `128Mi`).",
    messages: {
      missing:
        'Container "{{name}}" has no memory request, so it can be scheduled onto a node without room for it and is among the first evicted under memory pressure. Set `resources.requests.memory` (for example `128Mi`).',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const at = missingResource(r, c, 'requests', 'memory');
      if (at) ctx.report({ at, messageId: 'missing', data: { name: c.name } });
    });
  },
});
