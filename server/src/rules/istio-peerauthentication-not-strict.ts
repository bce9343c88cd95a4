import type { Resource } from '../k8s/resource.ts';
import type { Pair } from '../yaml/nodes.ts';
import { defineRule, type Fix } from '../engine/rule.ts';

/** Modes that let plain-text traffic in. UNSET inherits from the namespace or mesh policy. */
const WEAK = new Set(['PERMISSIVE', 'DISABLE']);

/** Whom the policy covers, for messages. Istio's root namespace is `istio-system` unless configured otherwise. */
function scopeOf(r: Resource): string {
  const v = r.view;
  const spec = v.get(r.root, 'spec');
  if (v.pairs(v.get(v.get(spec, 'selector'), 'matchLabels')).length > 0) return 'the workloads it selects';
  if (r.namespace === 'istio-system') return 'every workload in the mesh (istio-system is the default root namespace)';
  return r.namespace ? `every workload in namespace "${r.namespace}"` : 'every workload in its namespace';
}

function strictFix(pair: Pair, port?: string): Fix {
  const what = port === undefined ? 'the mTLS mode' : `the mTLS mode of port ${port}`;
  return {
    title: `Set ${what} to \`STRICT\` (clients outside the mesh, without a sidecar, can no longer connect)`,
    safety: 'suggestion',
    apply: (b) => b.setValue(pair, 'STRICT'),
  };
}

export default defineRule({
  meta: {
    id: 'istio-peerauthentication-not-strict',
    title: 'PeerAuthentication accepts plain text',
    category: 'networking',
    severity: 'warning',
    target: 'object',
    description:
      'A PeerAuthentication decides whether the sidecars of the workloads it covers accept connections without mutual TLS. `PERMISSIVE` accepts both mTLS and plain text, and `DISABLE` accepts plain text only: any pod in the cluster, with or without a sidecar, can then connect without proving its identity, read or alter the traffic in transit, and AuthorizationPolicies that match on principals or namespaces cannot tell who called. `PERMISSIVE` is meant for migrating into the mesh, not to stay. The rule checks `spec.mtls.mode` and each `spec.portLevelMtls` entry; `UNSET` (or no mode) inherits from the namespace or mesh-wide policy and is not reported. Whether a mesh-wide or namespace-wide `STRICT` policy exists elsewhere in the workspace is not checked yet.',
    remediation:
      'Set `mode: STRICT` once every client of the covered workloads runs with a sidecar. Clients outside the mesh (jobs without a sidecar, probes from outside, legacy services) lose access; give them a sidecar first, or keep a narrow port-level exception for them.',
    messages: {
      permissive:
        'PeerAuthentication "{{name}}" sets mTLS to `PERMISSIVE` for {{scope}}: their sidecars also accept plain-text connections, so any pod can connect without proving its identity and the traffic can be read in transit. Set `mode: STRICT` once every client has a sidecar; clients outside the mesh then lose access.',
      disable:
        'PeerAuthentication "{{name}}" turns mTLS off (`DISABLE`) for {{scope}}: their traffic travels in plain text and callers are not authenticated, so principal- and namespace-based AuthorizationPolicies cannot tell who called. Set `mode: STRICT`; clients outside the mesh then lose access.',
      portPermissive:
        'PeerAuthentication "{{name}}" sets mTLS to `PERMISSIVE` on port {{port}} of {{scope}}: that port also accepts plain-text connections from any pod, without proof of identity. Set `mode: STRICT` once every client has a sidecar; clients outside the mesh then lose access.',
      portDisable:
        'PeerAuthentication "{{name}}" turns mTLS off (`DISABLE`) on port {{port}} of {{scope}}: traffic to that port travels in plain text and callers are not authenticated. Set `mode: STRICT`; clients outside the mesh then lose access.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'PeerAuthentication' || r.group !== 'security.istio.io') return;
    const v = r.view;
    const spec = v.get(r.root, 'spec');
    const name = r.name ?? '?';
    const modePair = v.pair(v.get(spec, 'mtls'), 'mode');
    const mode = v.str(modePair?.value);
    if (modePair && mode && WEAK.has(mode)) {
      ctx.report({
        at: modePair,
        part: 'value',
        messageId: mode === 'DISABLE' ? 'disable' : 'permissive',
        data: { name, scope: scopeOf(r) },
        fixes: [strictFix(modePair)],
      });
    }
    for (const portPair of v.pairs(v.get(spec, 'portLevelMtls'))) {
      const port = v.keyOf(portPair);
      const p = v.pair(portPair.value, 'mode');
      const m = v.str(p?.value);
      if (!p || !m || !WEAK.has(m) || port === undefined) continue;
      ctx.report({
        at: p,
        part: 'value',
        messageId: m === 'DISABLE' ? 'portDisable' : 'portPermissive',
        data: { name, port, scope: scopeOf(r) },
        fixes: [strictFix(p, port)],
      });
    }
  },
});
