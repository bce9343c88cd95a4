import type { Resource } from '../k8s/resource.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'automount-sa-token',
    title: 'Service account token mounted',
    category: 'service-accounts',
    severity: 'warning',
    target: 'pod',
    description:
      'By default every pod gets a token for its service account mounted at /var/run/secrets/kubernetes.io/serviceaccount. Most applications never call the Kubernetes API, but an attacker who gets into the pod can use that token to.',
    remediation:
      'Add `automountServiceAccountToken: false` to the pod spec (or to its ServiceAccount). Pods that do call the API should use a dedicated service account with narrow RBAC.',
    messages: {
      unset:
        'A Kubernetes API token is mounted automatically into {{target}}, and an attacker in the pod can use it against the API server. Add `automountServiceAccountToken: false` to the pod spec (or to ServiceAccount "{{account}}") unless the app calls the API.',
      enabled:
        'A Kubernetes API token is mounted into {{target}} (`automountServiceAccountToken: {{value}}`); make sure the app needs it and that ServiceAccount "{{account}}" has narrow RBAC, or set it to false.',
    },
  },
  checkFile(ctx) {
    // A ServiceAccount in the same file that turns automount off covers the pods that use it.
    const quietAccounts = new Set<string>();
    for (const r of ctx.resources) {
      if (r.kind === 'ServiceAccount' && r.group === '' && r.view.isFalse(r.view.get(r.root, 'automountServiceAccountToken'))) {
        quietAccounts.add(`${r.namespace ?? ''}/${r.name ?? ''}`);
      }
    }
    for (const r of ctx.resources) {
      const pod = r.pod;
      if (!pod) continue;
      const v = r.view;
      const p = v.pair(pod.node, 'automountServiceAccountToken');
      if (p && v.isFalse(p.value)) continue;
      const account = serviceAccountName(r);
      const name = r.name ?? '?';
      const target = r.kind === 'Pod' ? `Pod "${name}"` : `the pods of ${r.kind} "${name}"`;
      if (p && v.isTrue(p.value)) {
        const value = v.scalarNode(p.value)?.source ?? 'true';
        ctx.report(r, { at: p, part: 'value', messageId: 'enabled', data: { target, account, value } });
        continue;
      }
      const data = { target, account };
      if (quietAccounts.has(`${r.namespace ?? ''}/${account}`)) continue;
      ctx.report(r, { at: pod.pair ?? r.anchor, messageId: 'unset', data });
    }
  },
});

export function serviceAccountName(r: Resource): string {
  if (!r.pod) return 'default';
  const v = r.view;
  return v.text(v.get(r.pod.node, 'serviceAccountName')) || v.text(v.get(r.pod.node, 'serviceAccount')) || 'default';
}
