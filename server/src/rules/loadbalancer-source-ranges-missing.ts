import { defineRule } from '../engine/rule.ts';

/** Annotations that make a cloud load balancer internal (not reachable from the internet). */
const INTERNAL_ANNOTATIONS: readonly [string, RegExp][] = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', /^(true|0\.0\.0\.0\/0)$/i],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', /^internal$/i],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', /^true$/i],
  ['networking.gke.io/load-balancer-type', /^internal$/i],
  ['cloud.google.com/load-balancer-type', /^internal$/i],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', /^true$/i],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', /^true$/i],
  ['service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type', /^intranet$/i],
  ['service.beta.kubernetes.io/alicloud-loadbalancer-address-type', /^intranet$/i],
  ['load-balancer.hetzner.cloud/disable-public-network', /^true$/i],
];
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

export default defineRule({
  meta: {
    id: 'loadbalancer-source-ranges-missing',
    title: 'LoadBalancer open to the internet',
    category: 'networking',
    severity: 'info',
    target: 'object',
    description:
      'A LoadBalancer Service without `loadBalancerSourceRanges` accepts connections from any address on the internet; scanners find new load balancers within minutes.',
    remediation:
      'Set `spec.loadBalancerSourceRanges` to the networks that should reach it, or make the load balancer internal with your cloud\'s annotation.',
    messages: {
      open:
        'LoadBalancer Service "{{name}}" sets no `loadBalancerSourceRanges`, so every address on the internet can connect to it. List the networks that need access in `spec.loadBalancerSourceRanges`, or make it internal.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'Service' || r.group !== '') return;
    const v = r.view;
    const spec = v.get(r.root, 'spec');
    const typePair = v.pair(spec, 'type');
    if (v.text(typePair?.value) !== 'LoadBalancer') return;
    if (v.items(v.get(spec, 'loadBalancerSourceRanges')).length > 0) return;
    const annotations = v.get(r.metadata, 'annotations');
    if ((v.text(v.get(annotations, SOURCE_RANGES_ANNOTATION)) ?? '').trim() !== '') return;
    for (const [key, internal] of INTERNAL_ANNOTATIONS) {
      if (internal.test(v.text(v.get(annotations, key)) ?? '')) return;
    }
    ctx.report({ at: typePair, part: 'value', messageId: 'open', data: { name: r.name ?? '?' } });
  },
});
