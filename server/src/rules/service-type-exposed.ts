import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'service-type-exposed',
    title: 'NodePort Service',
    category: 'networking',
    severity: 'info',
    target: 'object',
    description:
      'A NodePort Service opens the same port on every node of the cluster, on the nodes\' own addresses, where firewalls and NetworkPolicies are easy to get wrong.',
    remediation: 'Use `type: ClusterIP` behind an Ingress or Gateway, or a LoadBalancer with source ranges.',
    messages: {
      nodePort:
        'Service "{{name}}" is a NodePort: its port opens on every node\'s own address, outside the usual ingress path and easy to expose by accident. Use ClusterIP behind an Ingress or Gateway unless you need direct node access.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'Service' || r.group !== '') return;
    const p = r.view.pair(r.view.get(r.root, 'spec'), 'type');
    if (r.view.text(p?.value) === 'NodePort') ctx.report({ at: p, part: 'value', messageId: 'nodePort', data: { name: r.name ?? '?' } });
  },
});
