import { containerField, containerSecurityContext } from '../k8s/pod.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'privileged-container',
    title: 'Privileged container',
    category: 'security-context',
    severity: 'error',
    pss: 'baseline',
    target: 'container',
    description:
      'A privileged container gets every capability and every device of the node and runs without the usual isolation, so whoever compromises it controls the node and every pod on it.',
    remediation: 'Remove `privileged: true` (or set it to `false`). If the workload needs one kernel feature, add only that capability.',
    messages: {
      privileged:
        'Container "{{name}}" runs privileged: it has full access to the node\'s devices and kernel, so a compromise of this container is a compromise of the node. Remove `privileged: true` or set it to false.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const f = containerField(r, c, 'privileged');
      if (f.value !== true) return;
      const sc = containerSecurityContext(r, c)!;
      const pair = f.pair!;
      ctx.report({
        at: pair,
        part: 'value',
        messageId: 'privileged',
        data: { name: c.name },
        fixes: [
          {
            title: 'Remove `privileged: true` (the container loses direct access to host devices and kernel features)',
            safety: 'suggestion',
            apply: (b) => b.removePair(sc, pair),
          },
        ],
      });
    });
  },
});
