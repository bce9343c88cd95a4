import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'ingress-tls-missing',
    title: 'Ingress without TLS',
    category: 'networking',
    severity: 'warning',
    target: 'object',
    description:
      'An Ingress without `tls` serves its hosts over plain HTTP: passwords, cookies and tokens cross the internet readable and changeable by anyone on the path.',
    remediation:
      'Add `spec.tls` listing the hosts and the Secret that holds their certificate (cert-manager can create it from an annotation).',
    messages: {
      missing:
        'Ingress "{{name}}" has no `tls` section, so {{hosts}} is served over plain HTTP, where cookies, tokens and passwords can be read and changed in transit. Add `spec.tls` with the hosts and a certificate Secret.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'Ingress' || (r.group !== 'networking.k8s.io' && r.group !== 'extensions')) return;
    const v = r.view;
    const specPair = v.pair(r.root, 'spec');
    const tls = v.get(specPair?.value, 'tls');
    if (v.items(tls).length > 0) return;
    const hosts = v.items(v.get(specPair?.value, 'rules')).flatMap((rule) => {
      const h = v.text(v.get(rule, 'host'));
      return h ? [h] : [];
    });
    const hostText = hosts.length === 0 ? 'every host' : hosts.length === 1 ? hosts[0]! : `${hosts[0]} (and ${hosts.length - 1} more)`;
    ctx.report({ at: v.pair(specPair?.value, 'tls') ?? specPair ?? r.anchor, messageId: 'missing', data: { name: r.name ?? '?', hosts: hostText } });
  },
});
