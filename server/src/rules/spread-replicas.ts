import { podLabels, type Resource } from '../k8s/resource.ts';
import { matches, readSelector } from '../k8s/selectors.ts';
import { replicasOf } from '../k8s/workloads.ts';
import { defineRule, type Fix } from '../engine/rule.ts';
import type { YamlValue } from '../yaml/edit.ts';

const KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** Node labels that separate failure domains: a node, a zone (and the zone label's old name). */
const SPREAD_KEYS = new Set(['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone']);

const PLACEHOLDER_LABELS = { 'app.kubernetes.io/name': 'REPLACE-with-the-pod-labels' };

/**
 * Whether a pod anti-affinity term keeps the workload's own pods apart: it uses a node or zone
 * topology key, and its selector (when it can be read) matches the pod's own labels. A term that
 * only keeps the pods away from other apps does not spread the replicas.
 */
function spreadsOwnPods(r: Resource, term: unknown, labels: ReadonlyMap<string, string>): boolean {
  const v = r.view;
  const key = v.str(v.get(term, 'topologyKey'));
  if (!key || !SPREAD_KEYS.has(key)) return false;
  const selectorNode = v.get(term, 'labelSelector');
  // A term without a selector matches no pods.
  if (selectorNode === undefined || v.deref(selectorNode) === undefined || v.value(selectorNode) === null) return false;
  const selector = readSelector(v, selectorNode);
  return selector === undefined || labels.size === 0 || matches(selector, labels);
}

function isSpread(r: Resource): boolean {
  const v = r.view;
  const pod = r.pod!.node;
  if (v.items(v.get(pod, 'topologySpreadConstraints')).length > 0) return true;
  const anti = v.get(v.get(pod, 'affinity'), 'podAntiAffinity');
  const labels = podLabels(r);
  for (const term of v.items(v.get(anti, 'requiredDuringSchedulingIgnoredDuringExecution'))) {
    if (spreadsOwnPods(r, term, labels)) return true;
  }
  for (const weighted of v.items(v.get(anti, 'preferredDuringSchedulingIgnoredDuringExecution'))) {
    if (spreadsOwnPods(r, v.get(weighted, 'podAffinityTerm'), labels)) return true;
  }
  return false;
}

/**
 * The labels the constraint counts pods by: the selector's matchLabels (stable across rollouts,
 * unlike a version label of the template), else the template labels, else a marked placeholder.
 */
function selectorLabels(r: Resource): { labels: Record<string, string>; placeholder: boolean } {
  const v = r.view;
  const out: Record<string, string> = {};
  for (const p of v.pairs(v.at(r.root, ['spec', 'selector', 'matchLabels']))) {
    const k = v.keyOf(p);
    const val = v.text(p.value);
    if (k !== undefined && val !== undefined) out[k] = val;
  }
  if (Object.keys(out).length > 0) return { labels: out, placeholder: false };
  const template = podLabels(r);
  if (template.size > 0) return { labels: Object.fromEntries(template), placeholder: false };
  return { labels: PLACEHOLDER_LABELS, placeholder: true };
}

function spreadFix(r: Resource): Fix {
  const pod = r.pod!;
  const { labels, placeholder } = selectorLabels(r);
  const constraint: YamlValue = {
    maxSkew: 1,
    topologyKey: 'kubernetes.io/hostname',
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: labels },
  };
  return {
    title: placeholder
      ? 'Add `topologySpreadConstraints` spreading the pods across nodes (replace the placeholder label with the pod labels)'
      : 'Add `topologySpreadConstraints` spreading the pods across nodes (a preference: the scheduler still packs them when it must)',
    safety: 'suggestion',
    apply: (b) => {
      const pair = b.view.pair(pod.node, 'topologySpreadConstraints');
      const seq = b.view.seq(pair?.value);
      // `topologySpreadConstraints: []` in a block map becomes a block list, not a long flow line.
      if (pair && seq && seq.items.length === 0 && !pod.node.flow && b.view.deref(pair.value) === pair.value) b.setValue(pair, [constraint]);
      else b.addToList(pod.node, 'topologySpreadConstraints', constraint);
    },
  };
}

export default defineRule({
  meta: {
    id: 'spread-replicas',
    title: 'Replicas not spread across nodes',
    category: 'workloads',
    severity: 'info',
    target: 'pod',
    description:
      'Several replicas only protect an app if they do not fail together. Without `topologySpreadConstraints` or a pod anti-affinity on the node (`kubernetes.io/hostname`) or zone (`topology.kubernetes.io/zone`) label, the scheduler may put every replica on the same node, and one node failure or drain takes them all down. Checked for Deployments, StatefulSets and ReplicaSets that set `replicas` to 2 or more; an anti-affinity term counts only when it selects the workload\'s own pods.',
    remediation:
      'Add a `topologySpreadConstraints` entry on `kubernetes.io/hostname` (and one on `topology.kubernetes.io/zone` in a multi-zone cluster) that selects the workload\'s pods, or a pod anti-affinity on those labels.',
    messages: {
      notSpread:
        '{{kind}} "{{name}}" runs {{replicas}} replicas but nothing spreads them across nodes, so the scheduler may place them all on one node and a single node failure or drain stops every one. Add `topologySpreadConstraints` (or a pod anti-affinity) on `kubernetes.io/hostname`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!r.pod || !r.workload || !KINDS.has(r.workload.kind)) return;
    const replicas = replicasOf(r)?.count;
    if (replicas === undefined || replicas < 2 || isSpread(r)) return;
    ctx.report({
      at: r.pod.pair ?? r.anchor,
      messageId: 'notSpread',
      data: { kind: r.kind, name: r.name ?? '?', replicas },
      fixes: [spreadFix(r)],
    });
  },
});
