import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'service-external-ips',
    title: 'Service with externalIPs',
    category: 'networking',
    severity: 'warning',
    target: 'object',
    description:
      'Kubernetes does not check who owns an address in `externalIPs`: a Service can claim any IP and capture traffic meant for it from inside the cluster (CVE-2020-8554).',
    remediation: 'Remove `externalIPs` and use a LoadBalancer Service or an Ingress; cluster admins can block the field with an admission policy.',
    messages: {
      externalIPs:
        'Service "{{name}}" sets `externalIPs`; Kubernetes does not check who owns those addresses, so this can capture cluster traffic meant for them (CVE-2020-8554). Use a LoadBalancer or an Ingress instead.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'Service' || r.group !== '') return;
    const p = r.view.pair(r.view.get(r.root, 'spec'), 'externalIPs');
    if (p && r.view.items(p.value).length > 0) ctx.report({ at: p, messageId: 'externalIPs', data: { name: r.name ?? '?' } });
  },
});
