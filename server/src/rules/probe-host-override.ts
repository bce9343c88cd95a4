import { defineRule, forEachContainer } from '../engine/rule.ts';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HOOKS = ['postStart', 'preStop'];
const HANDLERS = ['httpGet', 'tcpSocket'];

export default defineRule({
  meta: {
    id: 'probe-host-override',
    title: 'Probe or hook targets another host',
    category: 'security-context',
    severity: 'warning',
    pss: 'baseline',
    target: 'container',
    description:
      'The kubelet runs probes and lifecycle hooks from the node. A `host` field makes it connect to any address you name, which turns the kubelet into a proxy into networks the pod itself cannot reach.',
    remediation: 'Delete the `host` field; the probe then targets the pod\'s own IP.',
    messages: {
      host:
        'The {{where}} of container "{{name}}" sets `host`, so the kubelet connects from the node to that address instead of the pod; this can reach networks the pod cannot. Delete `host` so it targets the pod IP.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const v = r.view;
      const handlers: { node: unknown; where: string }[] = [];
      for (const probe of PROBES) handlers.push({ node: v.get(c.node, probe), where: probe });
      for (const hook of HOOKS) handlers.push({ node: v.at(c.node, ['lifecycle', hook]), where: `${hook} hook` });
      for (const { node, where } of handlers) {
        for (const handler of HANDLERS) {
          const p = v.pair(v.get(node, handler), 'host');
          if (!p || (v.text(p.value) ?? '') === '') continue;
          const handlerMap = v.map(v.get(node, handler))!;
          ctx.report({
            at: p,
            messageId: 'host',
            data: { where, name: c.name },
            fixes: [{ title: 'Remove `host` (the check then targets the pod\'s own IP)', safety: 'suggestion', apply: (b) => b.removePair(handlerMap, p) }],
          });
        }
      }
    });
  },
});
