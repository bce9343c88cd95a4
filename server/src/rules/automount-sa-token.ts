import { memoize, type Resource } from '../k8s/resource.ts';
import { namespacesMayMatch } from '../k8s/selectors.ts';
import { defineRule, type Fix, type Report } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'automount-sa-token',
    title: 'Service account token mounted',
    category: 'service-accounts',
    severity: 'warning',
    target: 'pod',
    description:
      'By default every pod gets a token for its service account mounted at /var/run/secrets/kubernetes.io/serviceaccount. Most applications never call the Kubernetes API, but an attacker who gets into the pod can use that token to call the API server with everything the service account is allowed to do.',
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
    // An object without a namespace gets one at apply time (`-n`, kustomize), so it may meet an
    // account or pod in any namespace: the pod is covered when every account of that name it may
    // meet turns automount off. Runs on every keystroke: each object is read once (memoized) and
    // the loop only joins.
    const accounts = new Map<string, { namespace: string | undefined; quiet: boolean }[]>();
    for (const r of ctx.resources) {
      if (r.kind !== 'ServiceAccount' || r.group !== '') continue;
      const quiet = memoize(r, 'automount-sa-token:quiet', () => r.view.isFalse(r.view.get(r.root, 'automountServiceAccountToken')));
      const name = r.name ?? '';
      const list = accounts.get(name) ?? [];
      list.push({ namespace: r.namespace, quiet });
      accounts.set(name, list);
    }
    for (const r of ctx.resources) {
      if (!r.pod) continue;
      const t = tokenSummary(r);
      if (t.state === 'off') continue;
      if (t.state === 'unset') {
        const candidates = (accounts.get(t.account) ?? []).filter((a) => namespacesMayMatch(a.namespace, r.namespace));
        if (candidates.length > 0 && candidates.every((a) => a.quiet)) continue;
      }
      ctx.report(r, t.report);
    }
  },
});

interface TokenSummary {
  state: 'off' | 'enabled' | 'unset';
  account: string;
  report: Report;
}

function tokenSummary(r: Resource): TokenSummary {
  return memoize(r, 'automount-sa-token:pod', (): TokenSummary => {
    const pod = r.pod!;
    const v = r.view;
    const p = v.pair(pod.node, 'automountServiceAccountToken');
    const account = serviceAccountName(r);
    const name = r.name ?? '?';
    const target = r.kind === 'Pod' ? `Pod "${name}"` : `the pods of ${r.kind} "${name}"`;
    if (p && v.isFalse(p.value)) return { state: 'off', account, report: { at: undefined, messageId: 'unset' } };
    const title = 'Set `automountServiceAccountToken: false` (the app can no longer call the Kubernetes API with its service account)';
    if (p && v.isTrue(p.value)) {
      const value = v.scalarNode(p.value)?.source ?? 'true';
      const fixes: Fix[] = [{ title, safety: 'suggestion', apply: (b) => b.setValue(p, false) }];
      return { state: 'enabled', account, report: { at: p, part: 'value', messageId: 'enabled', data: { target, account, value }, fixes } };
    }
    const fixes: Fix[] = [{ title, safety: 'suggestion', apply: (b) => b.addPair(pod.node, 'automountServiceAccountToken', false) }];
    return { state: 'unset', account, report: { at: pod.pair ?? r.anchor, messageId: 'unset', data: { target, account }, fixes } };
  });
}

export function serviceAccountName(r: Resource): string {
  if (!r.pod) return 'default';
  const v = r.view;
  return v.text(v.get(r.pod.node, 'serviceAccountName')) || v.text(v.get(r.pod.node, 'serviceAccount')) || 'default';
}
