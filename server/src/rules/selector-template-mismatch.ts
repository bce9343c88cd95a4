import { podLabels } from '../k8s/resource.ts';
import { matches, readSelector } from '../k8s/selectors.ts';
import { defineRule, type Fix } from '../engine/rule.ts';
import type { YAMLMap } from '../yaml/nodes.ts';

/** Workloads whose `spec.selector` must select their own pod template. */
const LABEL_SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout']);

export default defineRule({
  meta: {
    id: 'selector-template-mismatch',
    title: 'Selector does not match the pod template',
    category: 'workloads',
    severity: 'error',
    target: 'object',
    description:
      'A workload manages the pods its selector matches. If the pod template\'s labels do not match the selector, the API server rejects the object; where it does not (ReplicationController selectors, edited templates), the controller keeps creating pods it never counts.',
    remediation: 'Give the pod template every label the selector requires (or fix the selector).',
    messages: {
      mismatch:
        'The selector of {{kind}} "{{name}}" requires {{missing}}, which its pod template\'s labels do not satisfy, so the API server rejects it. Give `spec.template.metadata.labels` what the selector requires.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const v = r.view;
    if (!r.pod || !(LABEL_SELECTOR_KINDS.has(r.kind) || r.kind === 'ReplicationController')) return;
    const spec = v.map(v.get(r.root, 'spec'));
    const selectorPair = v.pair(spec, 'selector');
    if (!selectorPair) return; // required in apps/v1; the schema reports a missing one
    // A ReplicationController's selector is a plain label map.
    const selector =
      r.kind === 'ReplicationController'
        ? {
            requirements: v.pairs(selectorPair.value).flatMap((p) => {
              const key = v.keyOf(p);
              const value = v.text(p.value);
              return key !== undefined && value !== undefined ? [{ key, operator: 'In' as const, values: [value] }] : [];
            }),
          }
        : readSelector(v, selectorPair.value);
    if (!selector || selector.requirements.length === 0) return;
    const labels = podLabels(r);
    if (matches(selector, labels)) return;
    const failing = selector.requirements.filter((q) => !matches({ requirements: [q] }, labels));
    const missing = failing.map((q) => (q.operator === 'In' && q.values.length === 1 ? `${q.key}: ${q.values[0]}` : `${q.key} ${q.operator}`)).join(', ');
    // Only plain key = value requirements can be copied into the template.
    const copyable = failing.every((q) => q.operator === 'In' && q.values.length === 1);
    const template = v.map(v.get(spec, 'template'));
    const fixes: Fix[] =
      copyable && template
        ? [
            {
              title: 'Copy the selector\'s labels into the pod template (Services and policies that select these pods by label may start or stop matching them)',
              safety: 'suggestion',
              apply: (b) => {
                const add = Object.fromEntries(failing.map((q) => [q.key, q.values[0]!]));
                const labelsMap = v.map(v.get(v.get(template, 'metadata'), 'labels')) as YAMLMap | undefined;
                if (labelsMap && (labelsMap.items.length > 0 || labelsMap.flow)) {
                  for (const [k, value] of Object.entries(add)) {
                    const existing = v.pair(labelsMap, k);
                    if (existing) b.setValue(existing, value);
                    else b.addPair(labelsMap, k, value);
                  }
                } else {
                  b.setIn(template, ['metadata', 'labels'], add);
                }
              },
            },
          ]
        : [];
    ctx.report({ at: selectorPair, messageId: 'mismatch', data: { kind: r.kind, name: r.name ?? '?', missing }, fixes });
  },
});
