import { defineRule, forEachContainer, type Fix } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'host-port',
    title: 'Host port',
    category: 'host',
    severity: 'warning',
    pss: 'baseline',
    target: 'container',
    description:
      'A `hostPort` opens the port on the node\'s own address, outside Services and NetworkPolicies, and limits scheduling to one such pod per node.',
    remediation: 'Delete `hostPort` and expose the port through a Service.',
    messages: {
      hostPort:
        'Container "{{name}}" binds host port {{port}}: the port opens on the node\'s own address, bypassing Services and NetworkPolicies, and only one such pod fits per node. Remove `hostPort` and use a Service.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, pod, r) => {
      const hostNetwork = r.view.isTrue(r.view.get(pod.node, 'hostNetwork'));
      for (const port of r.view.items(r.view.get(c.node, 'ports'))) {
        const p = r.view.pair(port, 'hostPort');
        const value = r.view.value(p?.value);
        if (!p || value === 0 || value === null || value === undefined) continue;
        // UDP and SCTP ports say so: one entry can be merged into another with only the protocol changed.
        const protocol = r.view.text(r.view.get(port, 'protocol')) ?? 'TCP';
        const shown = protocol === 'TCP' ? String(value) : `${value}/${protocol}`;
        const portMap = r.view.map(port)!;
        // On the host network the container listens on the node's address whatever hostPort says
        // (Kubernetes fills it in from containerPort): removing it would silence the finding and
        // change nothing. host-network's fix is the one that closes the port.
        const fixes: Fix[] = hostNetwork
          ? []
          : [
              {
                title: `Remove \`hostPort: ${value}\` (the node stops forwarding that port to the pod; reach it through a Service instead)`,
                safety: 'suggestion',
                apply: (b) => b.removePair(portMap, p),
              },
            ];
        ctx.report({ at: p, part: 'value', messageId: 'hostPort', data: { name: c.name, port: shown }, fixes });
      }
    });
  },
});
