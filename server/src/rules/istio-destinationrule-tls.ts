import type { Resource } from '../k8s/resource.ts';
import type { YAMLMap } from '../yaml/nodes.ts';
import { defineRule, type Fix, type ObjectContext } from '../engine/rule.ts';

/**
 * A host served inside the cluster: a short name (`reviews`), or a Kubernetes service name
 * (`reviews.prod.svc`, `reviews.prod.svc.cluster.local`, `*.prod.svc.cluster.local`). A
 * two-label name such as `reviews.prod` cannot be told apart from `example.com`, so it does not count.
 */
function isMeshHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  if (h === '' || h === '*') return false;
  if (!h.includes('.')) return true;
  return /\.svc(?:\.|$)/.test(h);
}

/** Where a `tls` block sits, for messages: '', ' on port 443', ' (subset "v2")', ... */
interface Place {
  tls: YAMLMap;
  where: string;
}

function tlsPlaces(r: Resource): Place[] {
  const v = r.view;
  const out: Place[] = [];
  const fromPolicy = (policy: unknown, subset: string | undefined): void => {
    const of = subset === undefined ? '' : ` (subset "${subset}")`;
    const tls = v.map(v.get(policy, 'tls'));
    if (tls) out.push({ tls, where: of });
    for (const setting of v.items(v.get(policy, 'portLevelSettings'))) {
      const t = v.map(v.get(setting, 'tls'));
      if (!t) continue;
      const port = v.text(v.get(v.get(setting, 'port'), 'number'));
      out.push({ tls: t, where: port === undefined ? ` on a port${of}` : ` on port ${port}${of}` });
    }
  };
  const spec = v.get(r.root, 'spec');
  fromPolicy(v.get(spec, 'trafficPolicy'), undefined);
  for (const subset of v.items(v.get(spec, 'subsets'))) {
    fromPolicy(v.get(subset, 'trafficPolicy'), v.text(v.get(subset, 'name')) ?? '?');
  }
  return out;
}

function hasText(r: Resource, map: YAMLMap, key: string): boolean {
  return (r.view.text(r.view.get(map, key)) ?? '').trim() !== '';
}

function checkTls(ctx: ObjectContext, r: Resource, host: string, { tls, where }: Place): void {
  const v = r.view;
  const name = r.name ?? '?';
  const modePair = v.pair(tls, 'mode');
  const mode = v.str(modePair?.value);
  if (modePair && mode === 'DISABLE') {
    const fixes: Fix[] = [];
    // Only a bare `mode: DISABLE`: ISTIO_MUTUAL takes no certificate paths or SNI of its own.
    const bare = v.pairs(tls).every((p) => p === modePair);
    if (isMeshHost(host) && bare) {
      fixes.push({
        title: 'Set TLS mode to `ISTIO_MUTUAL` (the mesh\'s own mTLS; connections fail if the destination has no sidecar)',
        safety: 'suggestion',
        apply: (b) => b.setValue(modePair, 'ISTIO_MUTUAL'),
      });
    }
    ctx.report({ at: modePair, part: 'value', messageId: 'disable', data: { name, host, where }, fixes });
    return;
  }
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return;
  const skip = v.pair(tls, 'insecureSkipVerify');
  if (skip && v.isTrue(skip.value)) {
    ctx.report({ at: skip, part: 'value', messageId: 'skipVerify', data: { name, host, where } });
    return;
  }
  // `credentialName` names a Secret that can carry the CA (`cacert` / `ca.crt`) with the client keys.
  if (hasText(r, tls, 'caCertificates') || hasText(r, tls, 'credentialName')) return;
  ctx.report({ at: modePair, part: 'value', messageId: 'noCa', data: { name, host, where, mode }, severity: 'info' });
}

export default defineRule({
  meta: {
    id: 'istio-destinationrule-tls',
    title: 'DestinationRule without verified TLS',
    category: 'networking',
    severity: 'warning',
    target: 'object',
    description:
      'A DestinationRule\'s `tls` settings decide how the client sidecar talks to a destination. `mode: DISABLE` sends the traffic in plain text, without the mesh\'s mutual TLS, so it can be read or altered on the way and the server cannot authenticate the caller (unless the application encrypts the connection itself). `insecureSkipVerify: true` accepts any server certificate, so anyone in the path can impersonate the server. `SIMPLE` or `MUTUAL` without `caCertificates` (or a `credentialName` Secret that carries the CA) is reported as info: Istio before 1.21 does not check the server certificate at all then, and later versions check it only against the public CAs of the proxy image, which a server with a private CA fails. The rule looks at `spec.trafficPolicy`, its `portLevelSettings`, and the same under each subset. `ISTIO_MUTUAL` is never reported.',
    remediation:
      'Use `mode: ISTIO_MUTUAL` for services in the mesh. For TLS to other servers use `SIMPLE` or `MUTUAL` with `caCertificates` (or a `credentialName` Secret holding the CA), and drop `insecureSkipVerify`.',
    messages: {
      disable:
        'DestinationRule "{{name}}" turns TLS off (`mode: DISABLE`) for traffic to `{{host}}`{{where}}: the sidecar sends it in plain text, without the mesh\'s mTLS, so it can be read or changed on the way and the server cannot tell who called. Use `ISTIO_MUTUAL` for a service in the mesh, or `SIMPLE` with `caCertificates` for an outside server.',
      skipVerify:
        'DestinationRule "{{name}}" sets `insecureSkipVerify: true` for `{{host}}`{{where}}: the sidecar accepts any server certificate, so anyone on the network path can impersonate the server and read the traffic. Remove it and trust the server\'s CA with `caCertificates`.',
      noCa:
        'DestinationRule "{{name}}" originates TLS (`mode: {{mode}}`) to `{{host}}`{{where}} without `caCertificates` or `credentialName`: Istio before 1.21 then does not verify the server certificate at all, and later versions only against the public CAs of the proxy image. Set `caCertificates` to the CA that signs the server\'s certificate.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'DestinationRule' || r.group !== 'networking.istio.io') return;
    const host = r.view.text(r.view.get(r.view.get(r.root, 'spec'), 'host')) ?? '?';
    for (const place of tlsPlaces(r)) checkTls(ctx, r, host, place);
  },
});
