import { defineRule, type Fix } from '../engine/rule.ts';
import type { EditBuilder } from '../yaml/edit.ts';

const LABEL = 'pod-security.kubernetes.io/enforce';
const ENFORCING = new Set(['baseline', 'restricted']);

export default defineRule({
  meta: {
    id: 'namespace-psa-label-missing',
    title: 'Namespace does not enforce Pod Security',
    category: 'security-context',
    severity: 'info',
    target: 'object',
    description:
      'Pod Security admission checks pods against the Pod Security Standards only in namespaces that ask for it with the `pod-security.kubernetes.io/enforce` label. Without the label (or with `privileged`), the cluster-wide default applies, which is usually privileged: any pod in the namespace may run privileged, share the host\'s namespaces or mount its file system, whatever these manifests say today.',
    remediation:
      'Label the Namespace with `pod-security.kubernetes.io/enforce: restricted`, or `baseline` where workloads cannot meet the restricted profile yet (the quick fix offers the profile set in `kubeguard.profile` first, then the other). Admission then rejects pods that break the profile, so check the namespace\'s workloads first, for example with the `warn` label. A namespace that must run privileged agents (CNI, storage, node monitoring) can keep `privileged`: suppress the finding with the reason.',
    messages: {
      missing:
        'Namespace "{{name}}" has no `pod-security.kubernetes.io/enforce` label, so Pod Security admission does not check its pods and any of them may run privileged or reach into the host. Label it `restricted` (or `baseline`).',
      privileged:
        'Namespace "{{name}}" enforces the `privileged` Pod Security profile, which allows everything: any pod in it may run privileged or reach into the host. Enforce `restricted` (or `baseline`), unless the namespace runs node agents that need host access.',
      unknown:
        'Namespace "{{name}}" sets `pod-security.kubernetes.io/enforce` to {{value}}, which is not a Pod Security profile, so the API server rejects the Namespace. Use `restricted` or `baseline`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'Namespace' || r.group !== '') return;
    const v = r.view;
    const labels = v.get(r.metadata, 'labels');
    const pair = v.pair(labels, LABEL);
    const value = pair ? v.value(pair.value) : undefined;
    if (typeof value === 'string' && ENFORCING.has(value)) return;

    const write = (level: string) => (b: EditBuilder) => {
      if (pair) b.setValue(pair, level);
      else b.setIn(r.root, ['metadata', 'labels', LABEL], level);
    };
    const order = ctx.settings.profile === 'baseline' ? ['baseline', 'restricted'] : ['restricted', 'baseline'];
    const fixes: Fix[] = order.map((level) => ({
      title: `Set \`${LABEL}: ${level}\` (admission then rejects pods in this namespace that break the ${level} profile)`,
      safety: 'suggestion',
      apply: write(level),
    }));
    const name = r.name ?? '?';
    if (!pair || value === null || value === undefined) {
      ctx.report({ at: pair ?? r.anchor, messageId: 'missing', data: { name }, fixes });
    } else if (value === 'privileged') {
      ctx.report({ at: pair, part: 'value', messageId: 'privileged', data: { name }, fixes });
    } else {
      ctx.report({ at: pair, part: 'value', messageId: 'unknown', data: { name, value: JSON.stringify(value) }, fixes });
    }
  },
});
