import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'duplicate-env-var',
    title: 'Environment variable set twice',
    category: 'workloads',
    severity: 'warning',
    target: 'container',
    description:
      'When a container lists the same environment variable twice, Kubernetes keeps the last one and drops the earlier value without a word. The earlier line still reads as if it applied, which misleads whoever edits it next.',
    remediation: 'Delete the earlier entry (it has no effect), or rename one of them.',
    messages: {
      shadowed:
        'Container "{{name}}" sets `{{env}}` again later in `env`; Kubernetes keeps only the last value, so this one has no effect. Delete it, or rename one of the two.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const v = r.view;
      const seq = v.seq(v.get(c.node, 'env'));
      if (!seq) return;
      const entries = seq.items.map((item) => ({ item, namePair: v.pair(item, 'name') }));
      entries.forEach(({ item, namePair }, i) => {
        const env = v.text(namePair?.value);
        if (env === undefined) return;
        if (!entries.slice(i + 1).some((later) => v.text(later.namePair?.value) === env)) return;
        ctx.report({
          at: namePair,
          part: 'value',
          messageId: 'shadowed',
          data: { name: c.name, env },
          fixes: [{ title: `Delete this \`${env}\` entry (the later one stays in effect)`, safety: 'suggestion', apply: (b) => b.removeItem(seq, item) }],
        });
      });
    });
  },
});
