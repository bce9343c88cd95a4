import { containerField, containerSecurityContext } from '../k8s/pod.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';
import { removable, removeOrSet } from './privileged-container.ts';

export default defineRule({
  meta: {
    id: 'proc-mount-unmasked',
    title: 'Unmasked /proc',
    category: 'security-context',
    severity: 'error',
    pss: 'baseline',
    target: 'container',
    description:
      'The runtime normally masks sensitive parts of /proc (kernel memory, keys, timers). `procMount: Unmasked` exposes them to the container, which leaks host information and helps escapes.',
    remediation: 'Delete `procMount` or set it to `Default`.',
    messages: {
      unmasked:
        'Container "{{name}}" sets `procMount: {{value}}`, exposing the parts of /proc the runtime normally hides (kernel memory and keys among them). Delete the field or set it to `Default`.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const f = containerField(r, c, 'procMount');
      if (f.from === 'unset' || f.value === 'Default') return;
      const sc = containerSecurityContext(r, c)!;
      const pair = f.pair!;
      const levels = [
        { map: sc, pair },
        { map: c.node, pair: r.view.pair(c.node, 'securityContext') },
      ];
      ctx.report({
        at: pair,
        part: 'value',
        messageId: 'unmasked',
        data: { name: c.name, value: String(f.value) },
        fixes: [
          {
            title: `${removable(levels) ? 'Remove `procMount`' : 'Set `procMount: Default`'} (the runtime masks /proc again)`,
            safety: 'suggestion',
            apply: (b) => removeOrSet(b, levels, 'Default'),
            // Removing the only setting of a securityContext removes the block, and a container
            // without one is what security-context-missing points out.
            reveals: ['security-context-missing'],
          },
        ],
      });
    });
  },
});
