import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'host-network',
    title: 'Host network namespace',
    category: 'host',
    severity: 'error',
    pss: 'baseline',
    target: 'pod',
    description:
      'With `hostNetwork: true` the pod uses the node\'s network stack: it can bind any node port, see all traffic on the node\'s interfaces, reach services that listen on localhost, and bypass NetworkPolicies.',
    remediation:
      'Delete `hostNetwork: true`. Network agents (CNI plugins, node exporters) that truly need it should be suppressed with a reason instead.',
    messages: {
      hostNetwork:
        'The pod shares the node\'s network namespace: it can sniff node traffic, reach services bound to the node\'s localhost, and is not covered by NetworkPolicies. Remove `hostNetwork: true` unless this is a node-level network agent.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!r.pod) return;
    const p = r.view.pair(r.pod.node, 'hostNetwork');
    if (!p || !r.view.isTrue(p.value)) return;
    const spec = r.pod.node;
    // `yes` and `True` mean true too: the title quotes what is written.
    const written = r.view.scalarNode(p.value)?.source ?? 'true';
    ctx.report({
      at: p,
      part: 'value',
      messageId: 'hostNetwork',
      fixes: [
        {
          title: `Remove \`hostNetwork: ${written}\` (the pod gets its own network namespace and IP)`,
          safety: 'suggestion',
          apply: (b) => b.removePair(spec, p),
          // Off the host network, the pod is subject to NetworkPolicies, and may have none.
          reveals: ['pod-not-covered-by-networkpolicy'],
        },
      ],
    });
  },
});
