import { defineRule, type RelatedInfo } from '../engine/rule.ts';
import { matches } from '../k8s/selectors.ts';
import { budgetOfPlain, plainReplicas, podLabelsOf, podOwnersNear, relatedTo, ReportCache, scopeOf, type Scope } from '../k8s/workloads.ts';
import { dig } from '../workspace/objects.ts';

const reports = new ReportCache();

/** `minAvailable` as a count, or as a percentage below 100 (100% is pdb-blocks-eviction's). */
function minAvailableOf(v: unknown): { count: number } | { percent: number } | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 ? { count: v } : undefined;
  const m = typeof v === 'string' ? /^\s*(\d+)%\s*$/.exec(v) : null;
  const percent = m ? Number(m[1]) : NaN;
  return percent > 0 && percent < 100 ? { percent } : undefined;
}

export default defineRule({
  meta: {
    id: 'pdb-vs-autoscaler',
    title: 'PodDisruptionBudget blocks evictions at the autoscaler\'s minimum',
    category: 'workloads',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'An eviction is allowed only while more pods are healthy than the PodDisruptionBudget\'s `minAvailable`. When a HorizontalPodAutoscaler or KEDA ScaledObject scales the selected workload down to its minimum, and `minAvailable` is that minimum or more, no pod may be evicted: node drains, cluster upgrades and the cluster autoscaler wait until the load happens to grow, which at night or on a quiet staging cluster can be never. The rule reports on the PodDisruptionBudget. It adds up the pods of every workload the budget selects at their smallest size: the autoscaler\'s `minReplicas` (1 when unset) or `minReplicaCount` (a ScaledObject scaled to zero runs at least 1 pod while active), the replicas of workloads without an autoscaler, 1 per bare Pod; a percentage is rounded up as Kubernetes does. It stays quiet when one of the selected workloads has no countable size (a DaemonSet, a Job) or several autoscalers. The budget, the workloads and the autoscalers may be in different files of the same scope (the files of one service or environment directory; see the README), in the budget\'s namespace. A budget that blocks evictions whatever the size (`maxUnavailable: 0`, `minAvailable: 100%`) is `pdb-blocks-eviction`\'s.',
    remediation:
      'Keep `minAvailable` below the autoscaler\'s minimum (or use `maxUnavailable: 1`), or raise the autoscaler\'s minimum above `minAvailable`.',
    messages: {
      count:
        'PodDisruptionBudget "{{name}}" requires {{min}} pod(s) to stay available (`minAvailable`), but the autoscaler may scale what it selects down to {{floor}} pod(s) ({{workloads}}): at that size no pod may be evicted, so node drains and cluster upgrades hang until the load grows. Use `maxUnavailable: 1`, keep `minAvailable` below {{floor}}, or raise the autoscaler\'s minimum above {{min}}.',
      percent:
        'PodDisruptionBudget "{{name}}" requires {{min}} of its pods to stay available (`minAvailable`), which rounds up to {{required}} of the {{floor}} pod(s) the autoscaler may scale what it selects down to ({{workloads}}): at that size no pod may be evicted, so node drains and cluster upgrades hang until the load grows. Use `maxUnavailable: 1`, lower the percentage, or raise the autoscaler\'s minimum.',
    },
  },
  checkFile(ctx) {
    let scope: Scope | undefined;
    for (const r of ctx.resources) {
      if (r.kind !== 'PodDisruptionBudget' || r.group !== 'policy') continue;
      scope ??= scopeOf(ctx);
      const o = scope.objectOf(r);
      const b = o && budgetOfPlain(o);
      const min = o && minAvailableOf(dig(o.data, 'spec', 'minAvailable'));
      if (!o || !b?.selector || !min) continue;
      const selector = b.selector;
      const selected = podOwnersNear(scope, o).filter((w) => matches(selector, podLabelsOf(w)!));
      if (selected.length === 0) continue;
      let floor = 0;
      let known = true;
      const parts: string[] = [];
      const related: RelatedInfo[] = [];
      for (const w of selected.sort((x, y) => `${x.kind}/${x.name}`.localeCompare(`${y.kind}/${y.name}`))) {
        const what = `${w.kind} "${w.name ?? '?'}"`;
        if (w.kind === 'Pod' && w.group === '') {
          floor += 1;
          parts.push(what);
          continue;
        }
        const autoscalers = scope.autoscalersOf(w);
        if (autoscalers.length > 1) {
          // Several autoscalers: scaling-conflict's business, and no single minimum.
          known = false;
          break;
        }
        const a = autoscalers[0];
        if (a) {
          if (a.min === undefined) {
            known = false;
            break;
          }
          const least = Math.max(a.min, 1);
          const field = a.kind === 'ScaledObject' ? 'minReplicaCount' : 'minReplicas';
          floor += least;
          parts.push(`${what} at ${field} ${a.min} of ${a.kind} "${a.object.name ?? '?'}"${a.min === 0 ? ', 1 pod while active' : ''}`);
          related.push(
            relatedTo(
              a.object,
              a.min === 0
                ? `${a.kind} "${a.object.name ?? '?'}" scales ${what} to zero when idle (${field}: 0), and to 1 pod when it wakes.`
                : `${a.kind} "${a.object.name ?? '?'}" scales ${what} down to ${a.min} pod(s) (${field}).`,
            ),
          );
          continue;
        }
        const replicas = plainReplicas(w);
        if (replicas === undefined) {
          known = false;
          break;
        }
        floor += replicas;
        parts.push(`${what} with ${replicas} replica(s)`);
      }
      if (!known || related.length === 0 || floor === 0) continue;
      const required = 'count' in min ? min.count : Math.ceil((min.percent * floor) / 100);
      if (required < floor) continue;
      const v = r.view;
      const pair = v.pair(v.get(r.root, 'spec'), 'minAvailable');
      const messageId = 'count' in min ? 'count' : 'percent';
      const data = { name: r.name ?? '?', min: 'count' in min ? min.count : `${min.percent}%`, floor, required, workloads: parts.join('; ') };
      const key = JSON.stringify([messageId, data, related]);
      ctx.report(r, reports.get(r, key, () => ({ at: pair ?? r.anchor, part: 'value', messageId, data, related })));
    }
  },
});
