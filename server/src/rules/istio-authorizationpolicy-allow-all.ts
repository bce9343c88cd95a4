import type { Resource } from '../k8s/resource.ts';
import { defineRule } from '../engine/rule.ts';

/** The parts of a rule that narrow what it matches; a rule with none of them matches every request. */
const CONDITIONS = ['from', 'to', 'when'] as const;

/** Whom the policy applies to, for messages. Istio's root namespace is `istio-system` unless configured otherwise. */
function scopeOf(r: Resource): string {
  const v = r.view;
  const spec = v.get(r.root, 'spec');
  if (v.pairs(v.get(v.get(spec, 'selector'), 'matchLabels')).length > 0) return 'the workloads it selects';
  if (v.map(v.get(spec, 'targetRef')) || v.items(v.get(spec, 'targetRefs')).length > 0) return 'the resources it targets';
  if (r.namespace === 'istio-system') return 'every workload in the mesh (istio-system is the default root namespace)';
  return r.namespace ? `every workload in namespace "${r.namespace}"` : 'every workload in its namespace';
}

export default defineRule({
  meta: {
    id: 'istio-authorizationpolicy-allow-all',
    title: 'AuthorizationPolicy allows every request',
    category: 'networking',
    severity: 'warning',
    target: 'object',
    description:
      'An ALLOW AuthorizationPolicy admits a request when any of its rules matches, and a rule without `from`, `to` or `when` (an empty rule, `- {}`) matches every request. Such a policy allows all traffic from anyone to the workloads in its scope, and because ALLOW policies add up, it also makes every other ALLOW policy for those workloads meaningless; only DENY and CUSTOM policies still apply. A policy without `action` is an ALLOW policy. An ALLOW policy with no `rules` at all matches nothing, so it denies every request to the workloads it covers: that is the usual deny-all policy and is not reported.',
    remediation:
      'Replace the empty rule with rules that name the allowed callers (`from.source.principals` or `namespaces`), operations (`to.operation`) and conditions (`when`), or delete the policy if allowing everything is really intended.',
    messages: {
      allowAll:
        'AuthorizationPolicy "{{name}}" has an empty ALLOW rule, which matches every request: it allows all traffic to {{scope}} and overrides every narrower ALLOW policy for them. Say in the rule who may call and what (`from`, `to`, `when`), or delete the policy.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'AuthorizationPolicy' || r.group !== 'security.istio.io') return;
    const v = r.view;
    const spec = v.get(r.root, 'spec');
    const action = v.text(v.get(spec, 'action'));
    if (action !== undefined && action !== 'ALLOW') return;
    for (const rule of v.items(v.get(spec, 'rules'))) {
      const map = v.map(rule);
      if (!map) continue;
      if (CONDITIONS.some((key) => v.items(v.get(map, key)).length > 0)) continue;
      // Anything else in the rule is not understood here (or is invalid): leave it to schema validation.
      if (v.pairs(map).some((p) => !(CONDITIONS as readonly string[]).includes(v.keyOf(p) ?? ''))) continue;
      ctx.report({ at: rule, messageId: 'allowAll', data: { name: r.name ?? '?', scope: scopeOf(r) } });
    }
  },
});
