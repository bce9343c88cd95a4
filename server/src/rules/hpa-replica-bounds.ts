import { isScalar, type Node as YamlNode } from 'yaml';
import { renderBlock, type EditBuilder } from '../yaml/edit.ts';
import type { Pair, YAMLMap } from '../yaml/nodes.ts';
import { addPairFirst } from '../k8s/workloads.ts';
import { defineRule, type Fix } from '../engine/rule.ts';

const MINIMUM = 2;

/** A whole number written as one, or undefined (templates, strings, fractions). */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/**
 * Adds `key: value` on the line above `before` (a block pair of `map` that starts its line), so
 * `minReplicas` lands next to `maxReplicas`; anything else gets the pair first in the map.
 */
function addPairBefore(b: EditBuilder, holder: Pair, map: YAMLMap, before: Pair | undefined, key: string, value: number): void {
  const keyNode = before?.key as YamlNode | null | undefined;
  const start = keyNode?.range?.[0];
  if (!before || map.flow || !map.items.includes(before) || start === undefined || !isScalar(keyNode)) {
    addPairFirst(b, holder, map, key, value);
    return;
  }
  let line = b.lines.lineOf(start);
  const indent = b.text.slice(b.lines.starts[line]!, start);
  if (!/^ *$/.test(indent)) {
    addPairFirst(b, holder, map, key, value);
    return;
  }
  // Comment lines right above the key, at its indentation, stay with it.
  while (line > 0 && b.lines.lineText(line - 1).startsWith(`${indent}#`)) line--;
  const lines = renderBlock({ [key]: value }, indent, b.style());
  b.insert(b.lines.starts[line]!, lines.join(b.eol) + b.eol, indent.length);
}

export default defineRule({
  meta: {
    id: 'hpa-replica-bounds',
    title: 'HorizontalPodAutoscaler replica bounds',
    category: 'workloads',
    severity: 'info',
    target: 'object',
    description:
      'A HorizontalPodAutoscaler never scales below `minReplicas`, which defaults to 1. At 1, the workload runs a single pod whenever load is low, and is down during every rollout, node drain or crash of that pod. When `maxReplicas` equals `minReplicas` the autoscaler cannot scale at all, and when it is lower the API server rejects the object. The rule uses a minimum of 2, like `replicas-minimum`. `minReplicas: 0` (scale to zero, behind the HPAScaleToZero feature gate) is taken as deliberate. KEDA ScaledObjects are not checked: their `minReplicaCount` defaults to 0 and scaling to zero is the point of KEDA.',
    remediation:
      'Set `minReplicas` to at least 2 (and make sure the app tolerates several copies), and `maxReplicas` above it so the autoscaler has room to scale.',
    messages: {
      minUnset:
        'HorizontalPodAutoscaler "{{name}}" does not set `minReplicas`, so it scales down to a single pod, and the workload is down whenever that pod is (rollouts, node drains, crashes). Set `minReplicas: 2` or more.',
      minLow:
        'HorizontalPodAutoscaler "{{name}}" lets the workload scale down to a single pod (`minReplicas: 1`), so it is down whenever that pod is (rollouts, node drains, crashes). Set `minReplicas` to 2 or more.',
      maxEqual:
        'HorizontalPodAutoscaler "{{name}}" has `maxReplicas` equal to `minReplicas` ({{max}}), so it can never scale. Raise `maxReplicas` to the most pods the workload may need.',
      maxBelow:
        'HorizontalPodAutoscaler "{{name}}" has `maxReplicas: {{max}}` below `minReplicas: {{min}}`, which the API server rejects. Raise `maxReplicas` (or lower `minReplicas`).',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'HorizontalPodAutoscaler' || r.group !== 'autoscaling') return;
    const v = r.view;
    const specPair = v.pair(r.root, 'spec');
    const spec = v.map(specPair?.value);
    if (!specPair || !spec) return;
    const name = r.name ?? '?';
    const minPair = v.pair(spec, 'minReplicas');
    const maxPair = v.pair(spec, 'maxReplicas');
    // `minReplicas:` with no value means the default, like leaving the key out.
    const minWritten = minPair !== undefined && v.deref(minPair.value) !== undefined && v.value(minPair.value) !== null;
    const min = minWritten ? count(v.value(minPair!.value)) : 1;
    const max = count(v.value(maxPair?.value));

    if (min !== undefined && min >= 1 && min < MINIMUM) {
      // Raising the minimum to 2 needs room above it; with `maxReplicas` 2 or less, both need a decision.
      const fixes: Fix[] =
        max !== undefined && max > MINIMUM
          ? [
              {
                title: `Set \`minReplicas: ${MINIMUM}\` (a second pod always runs: more capacity used, and the app must cope with two copies)`,
                safety: 'suggestion',
                apply: (b) => {
                  if (minPair) b.setValue(minPair, MINIMUM);
                  else addPairBefore(b, specPair, spec, maxPair, 'minReplicas', MINIMUM);
                },
              },
            ]
          : [];
      if (minWritten) ctx.report({ at: minPair, part: 'value', messageId: 'minLow', data: { name }, fixes });
      else ctx.report({ at: minPair ?? specPair, messageId: 'minUnset', data: { name }, fixes });
    }

    if (maxPair && max !== undefined && min !== undefined && max <= min) {
      ctx.report({
        at: maxPair,
        part: 'value',
        messageId: max === min ? 'maxEqual' : 'maxBelow',
        data: { name, max, min },
      });
    }
  },
});
