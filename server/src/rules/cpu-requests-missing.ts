import { missingResource } from '../k8s/resources.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'cpu-requests-missing',
    title: 'CPU request missing',
    category: 'resources',
    severity: 'warning',
    target: 'container',
    description:
      "The scheduler places pods by their requests. Without a CPU request the pod is treated as needing almost nothing, lands on busy nodes and is the first to be starved when the node is under load.",
    remediation: "Set `resources.requests.cpu` to what the container uses under normal load (for example `100m`).",
    messages: {
      missing:
        'Container "{{name}}" has no CPU request, so the scheduler assumes it needs almost nothing: it can land on a busy node and be starved under load. Set `resources.requests.cpu` to its normal usage (for example `100m`).',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const at = missingResource(r, c, 'requests', 'cpu');
      if (at) ctx.report({ at, messageId: 'missing', data: { name: c.name } });
    });
  },
});
