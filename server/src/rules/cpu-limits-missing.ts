import { missingResource } from '../k8s/resources.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'cpu-limits-missing',
    title: 'CPU limit missing',
    category: 'resources',
    severity: 'info',
    target: 'container',
    description:
      "Without a CPU limit one busy container can use all spare CPU on the node. Limits are debated (they cause throttling), so this is informational: set one where noisy neighbours are a concern.",
    remediation: "Set `resources.limits.cpu`, or turn this rule off if you rely on requests alone.",
    messages: {
      missing:
        'Container "{{name}}" has no CPU limit, so it can take all spare CPU on the node from its neighbours. Set `resources.limits.cpu` if that matters here (limits can also throttle the app, so measure first).',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const at = missingResource(r, c, 'limits', 'cpu');
      if (at) ctx.report({ at, messageId: 'missing', data: { name: c.name } });
    });
  },
});
