import { defineRule, type Fix, type RelatedInfo } from '../engine/rule.ts';
import type { Resource } from '../k8s/resource.ts';
import { describeSelector, matches } from '../k8s/selectors.ts';
import {
  budgetOfPlain,
  noNamespaceNote,
  plainReplicas,
  podLabelsOf,
  podOwnersNear,
  relatedTo,
  ReportCache,
  sameNamespaceIn,
  scopeOf,
  type PlainBudget,
  whereText,
  type Scope,
} from '../k8s/workloads.ts';
import { renderBlock, type YamlValue } from '../yaml/edit.ts';
import { asRecord, dig, labelMap, type WorkspaceObject } from '../workspace/objects.ts';

const reports = new ReportCache();

function labelsText(labels: ReadonlyMap<string, string>): string {
  return labels.size === 0 ? 'no labels' : [...labels].map(([k, v]) => `${k}=${v}`).join(', ');
}

/** The selector for a new budget: the workload's own, else its pod labels. */
function selectorFor(o: WorkspaceObject, labels: ReadonlyMap<string, string>): { [key: string]: YamlValue } | undefined {
  const own = asRecord(dig(o.data, 'spec', 'selector'));
  const matchLabels = labelMap(own?.matchLabels);
  if (own && (matchLabels.size > 0 || Array.isArray(own.matchExpressions))) {
    const out: { [key: string]: YamlValue } = {};
    if (matchLabels.size > 0) out.matchLabels = Object.fromEntries(matchLabels);
    if (Array.isArray(own.matchExpressions) && own.matchExpressions.length > 0) out.matchExpressions = own.matchExpressions as YamlValue;
    if (Object.keys(out).length > 0) return out;
  }
  return labels.size > 0 ? { matchLabels: Object.fromEntries(labels) } : undefined;
}

function budgetFix(name: string, r: Resource, o: WorkspaceObject, labels: ReadonlyMap<string, string>): Fix | undefined {
  const selector = selectorFor(o, labels);
  if (!selector) return undefined;
  const metadata: { [key: string]: YamlValue } = r.namespace ? { name, namespace: r.namespace } : { name };
  return {
    title: `Add a PodDisruptionBudget "${name}" after this ${r.kind} that lets drains evict one of its pods at a time (\`maxUnavailable: 1\`)`,
    safety: 'suggestion',
    apply: (b) =>
      b.insertDocumentAfter(
        b.text.length,
        renderBlock(
          {
            apiVersion: 'policy/v1',
            kind: 'PodDisruptionBudget',
            metadata,
            // Pods that are not ready protect nothing: let drains evict them (Kubernetes 1.27+).
            spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector },
          },
          '',
          b.style(),
        ),
      ),
  };
}

function selects(b: PlainBudget, labels: ReadonlyMap<string, string>): boolean {
  // An unreadable selector might select the pods: say nothing rather than guess.
  return b.selector === undefined || (b.selector !== null && matches(b.selector, labels));
}

export default defineRule({
  meta: {
    id: 'pdb-missing',
    title: 'Replicated workload without a PodDisruptionBudget',
    category: 'workloads',
    severity: 'info',
    target: 'file',
    workspace: true,
    description:
      'Node drains, cluster upgrades and the cluster autoscaler evict pods through the eviction API, which only holds back when a PodDisruptionBudget covers them. Without one, a drain may evict every replica of a Deployment or StatefulSet at once (when they share a node, or several nodes are drained together), and the app is down although it runs several copies. The rule checks Deployments and StatefulSets that run two or more replicas or are scaled by a HorizontalPodAutoscaler or KEDA ScaledObject, and looks for a budget whose selector matches their pod labels in every file of the same scope (the files of one service or environment directory; see the README), in the namespace the workload lands in. When the file is checked on its own, the budget may be in a file KubeGuard cannot see: it then reports only when a budget of the file was evidently meant for the pods (it would select them but lands in another namespace, or it selects no pod of the file). Single-replica workloads are left to `replicas-minimum`: a budget cannot keep one pod running through a drain without blocking the drain.',
    remediation:
      'Add a PodDisruptionBudget with the workload\'s selector and `maxUnavailable: 1` (or a `minAvailable` below the replica count), in the same namespace.',
    messages: {
      replicas:
        'No PodDisruptionBudget in namespace "{{namespace}}" selects the pods of {{kind}} "{{name}}" ({{where}}), so a node drain or cluster upgrade may evict all {{replicas}} replicas at once. Add a PodDisruptionBudget for its pod labels with `maxUnavailable: 1`.',
      autoscaled:
        'No PodDisruptionBudget in namespace "{{namespace}}" selects the pods of {{kind}} "{{name}}" ({{where}}), so a node drain or cluster upgrade may evict all its replicas at once. Add a PodDisruptionBudget for its pod labels with `maxUnavailable: 1`.',
    },
  },
  checkFile(ctx) {
    let scope: Scope | undefined;
    for (const r of ctx.resources) {
      if (r.group !== 'apps' || (r.kind !== 'Deployment' && r.kind !== 'StatefulSet')) continue;
      scope ??= scopeOf(ctx);
      const o = scope.objectOf(r);
      const labels = o && podLabelsOf(o);
      // Objects too large to read have no data: their labels are unknown.
      if (!o || !labels || Object.keys(o.data).length === 0) continue;
      const autoscaled = scope.autoscalersOf(o).length > 0;
      const replicas = plainReplicas(o);
      if (!autoscaled && (replicas === undefined || replicas < 2)) continue;
      const near: PlainBudget[] = [];
      for (const p of scope.inNamespace('PodDisruptionBudget', o)) {
        const b = budgetOfPlain(p);
        if (b) near.push(b);
      }
      if (near.some((b) => selects(b, labels))) continue;
      const related: RelatedInfo[] = [];
      // A budget that would select the pods but lands in another namespace is the usual surprise.
      for (const p of scope.all('PodDisruptionBudget')) {
        const b = budgetOfPlain(p);
        if (related.length >= 3 || !b?.selector || sameNamespaceIn(p, o) || !matches(b.selector, labels)) continue;
        related.push(relatedTo(p, `PodDisruptionBudget "${p.name ?? '?'}" would select these pods, but it lands in namespace "${p.namespace}"${noNamespaceNote(p)}, not "${o.namespace}".`));
      }
      const elsewhere = related.length > 0;
      // Checked on its own, the file proves a budget missing only when one of its budgets was
      // evidently meant for these pods: it lands in another namespace, or selects no pod of the file.
      let dangling = false;
      for (const b of near.slice(0, 3)) {
        const selector = b.selector;
        if (selector && !podOwnersNear(scope, b.object).some((w) => matches(selector, podLabelsOf(w)!))) dangling = true;
        related.push(
          relatedTo(
            b.object,
            selector === null
              ? `PodDisruptionBudget "${b.object.name ?? '?'}" in namespace "${o.namespace}" selects no pods (it has no selector, or an empty one in policy/v1beta1).`
              : `PodDisruptionBudget "${b.object.name ?? '?'}" in namespace "${o.namespace}" selects ${describeSelector(selector)}, not these pods (${labelsText(labels)}).`,
          ),
        );
      }
      if (!scope.shared && !elsewhere && !dangling) continue;
      const messageId = autoscaled ? 'autoscaled' : 'replicas';
      const data = { kind: r.kind, name: r.name ?? '?', namespace: o.namespace, replicas: replicas ?? '?', where: whereText(scope) };
      // The new budget takes the workload's name, unless a budget has it already.
      const name = r.name && scope.find('PodDisruptionBudget', r.name, o).length > 0 ? `${r.name}-pdb` : r.name;
      const key = JSON.stringify([messageId, data, related, name ?? '']);
      ctx.report(
        r,
        reports.get(r, key, () => {
          const fix = name ? budgetFix(name, r, o, labels) : undefined;
          return { at: r.anchor, messageId, data, related, fixes: fix ? [fix] : [] };
        }),
      );
    }
  },
});
