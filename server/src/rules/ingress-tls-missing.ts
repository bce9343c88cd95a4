import { defineRule, type Fix } from '../engine/rule.ts';
import type { YamlValue } from '../yaml/edit.ts';

/**
 * Cloud ingress controllers that terminate TLS from a certificate named in an annotation, with
 * no `spec.tls`: AWS Load Balancer Controller, GKE, Azure Application Gateway.
 */
const TLS_ANNOTATIONS: readonly [string, RegExp][] = [
  ['alb.ingress.kubernetes.io/certificate-arn', /\S/],
  ['alb.ingress.kubernetes.io/listen-ports', /"HTTPS"/i],
  ['ingress.gcp.kubernetes.io/pre-shared-cert', /\S/],
  ['networking.gke.io/managed-certificates', /\S/],
  ['appgw.ingress.kubernetes.io/appgw-ssl-certificate', /\S/],
];

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
        'Ingress "{{name}}" {{tls}}, so {{hosts}} is served over plain HTTP, where cookies, tokens and passwords can be read and changed in transit. Add `spec.tls` with the hosts and a certificate Secret.',
      alb:
        'Ingress "{{name}}" {{tls}} and no HTTPS listener, so {{hosts}} is served over plain HTTP, where cookies, tokens and passwords can be read and changed in transit. Set `alb.ingress.kubernetes.io/certificate-arn` to an ACM certificate and add HTTPS to `alb.ingress.kubernetes.io/listen-ports`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'Ingress' || (r.group !== 'networking.k8s.io' && r.group !== 'extensions')) return;
    const v = r.view;
    const specPair = v.pair(r.root, 'spec');
    const tls = v.get(specPair?.value, 'tls');
    if (v.items(tls).length > 0) return;
    const annotations = v.get(r.metadata, 'annotations');
    if (TLS_ANNOTATIONS.some(([key, re]) => re.test(v.text(v.get(annotations, key)) ?? ''))) return;
    const hosts = [
      ...new Set(
        v.items(v.get(specPair?.value, 'rules')).flatMap((rule) => {
          const h = v.text(v.get(rule, 'host'));
          return h ? [h] : [];
        }),
      ),
    ];
    const hostText = hosts.length === 0 ? 'every host' : hosts.length === 1 ? hosts[0]! : `${hosts[0]} (and ${hosts.length - 1} more)`;
    const tlsPair = v.pair(specPair?.value, 'tls');
    const tlsText = tlsPair ? 'has an empty `tls` list' : 'has no `tls` section';
    const spec = v.map(specPair?.value);
    const secretName = `${r.name ?? 'ingress'}-tls`;
    const entry: { [key: string]: YamlValue } = hosts.length > 0 ? { hosts, secretName } : { secretName };
    // The AWS Load Balancer Controller takes its certificate from ACM, and its listeners from the
    // `listen-ports` annotation: a `spec.tls` Secret would silence the finding and leave the
    // load balancer on plain HTTP. The certificate ARN needs the user's input.
    const alb =
      v.text(v.get(specPair?.value, 'ingressClassName')) === 'alb' ||
      v.text(v.get(annotations, 'kubernetes.io/ingress.class')) === 'alb' ||
      v.pairs(annotations).some((p) => (v.keyOf(p) ?? '').startsWith('alb.ingress.kubernetes.io/'));
    const fixes: Fix[] = spec && !alb
      ? [
          {
            // Without hosts the entry is the controller's default certificate, which cert-manager cannot issue.
            title:
              hosts.length > 0
                ? `Add \`tls\` for ${hostText} with certificate Secret "${secretName}" (the Secret must exist, for example from cert-manager)`
                : `Add \`tls\` without hosts, with certificate Secret "${secretName}" (the Secret must exist and hold the certificate clients expect; cert-manager cannot issue one without hosts)`,
            safety: 'suggestion',
            apply: (b) => (tlsPair ? b.setValue(tlsPair, [entry]) : b.addPair(spec, 'tls', [entry])),
          },
        ]
      : [];
    ctx.report({ at: tlsPair ?? specPair ?? r.anchor, messageId: alb ? 'alb' : 'missing', data: { name: r.name ?? '?', hosts: hostText, tls: tlsText }, fixes });
  },
});
