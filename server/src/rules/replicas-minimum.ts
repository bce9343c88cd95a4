import { memoize, type Resource } from '../k8s/resource.ts';
import { addPairFirst, replicasOf, scopeOf } from '../k8s/workloads.ts';
import { defineRule, type Fix, type Report } from '../engine/rule.ts';

const MINIMUM = 2;

/** The finding for a Deployment, read once per object (undefined when it runs enough pods). */
function findingOf(r: Resource): Report | undefined {
  return memoize(r, 'replicas-minimum:report', () => {
    if (r.workload?.kind !== 'Deployment') return undefined;
    const rep = replicasOf(r);
    // No spec is the schema's business; 0 is a deliberate scale-down; a non-integer is not ours.
    if (!rep?.spec || !rep.specPair || rep.count === undefined || rep.count === 0 || rep.count >= MINIMUM) return undefined;
    const name = r.name ?? '?';
    const pair = rep.pair;
    // `replicas:` with no value (or null) means the default, like leaving the key out.
    const written = pair !== undefined && r.view.value(pair.value) !== null;
    const fix: Fix = {
      title: `Set \`replicas: ${MINIMUM}\` (runs a second pod: more capacity used, and the app must cope with two copies)`,
      safety: 'suggestion',
      // Two replicas on one node still go down together: spreading them is spread-replicas' business.
      reveals: ['spread-replicas'],
      apply: (b) => {
        if (pair) b.setValue(pair, MINIMUM);
        else addPairFirst(b, rep.specPair!, rep.spec!, 'replicas', MINIMUM);
      },
    };
    return written
      ? { at: pair, part: 'value', messageId: 'single', data: { name }, fixes: [fix] }
      : { at: pair ?? rep.specPair, messageId: 'unset', data: { name }, fixes: [fix] };
  });
}

export default defineRule({
  meta: {
    id: 'replicas-minimum',
    title: 'Deployment runs a single replica',
    category: 'workloads',
    severity: 'info',
    target: 'object',
    workspace: true,
    description:
      'A Deployment with one replica is down whenever its only pod is: during every rollout, node drain, eviction or crash, until a new pod is scheduled and ready. Two replicas keep the app serving through a single disruption. `replicas` left out means one. `replicas: 0` is taken as a deliberate scale-down and not flagged. The rule stays quiet when a HorizontalPodAutoscaler or a KEDA ScaledObject scales the Deployment: in the same file, or in any file of the same scope (the files of one service or environment directory; see the README), in the namespace the Deployment lands in. StatefulSets are not checked: a single-replica StatefulSet is usually a database or queue that cannot simply be scaled by raising the count.',
    remediation:
      'Set `spec.replicas` to at least 2 (and make sure the app tolerates several copies), or let an autoscaler manage the count with `minReplicas: 2`.',
    messages: {
      single:
        'Deployment "{{name}}" runs a single replica, so the app is down whenever that pod is: during rollouts, node drains and crashes. Set `replicas` to at least 2, or scale it with an autoscaler.',
      unset:
        'Deployment "{{name}}" does not set `replicas`, so it runs a single pod and the app is down whenever that pod is: during rollouts, node drains and crashes. Set `replicas` to at least 2, or scale it with an autoscaler.',
    },
  },
  checkFile(ctx) {
    // Reports are built once per object (memoized); per run the rule only looks up autoscalers,
    // in an index of the scope shared with the other rules that compare objects.
    let scope: ReturnType<typeof scopeOf> | undefined;
    for (const r of ctx.resources) {
      if (r.kind !== 'Deployment') continue;
      const report = findingOf(r);
      if (!report) continue;
      scope ??= scopeOf(ctx);
      const o = scope.objectOf(r);
      if (o && scope.autoscalersOf(o).length > 0) continue;
      ctx.report(r, report);
    }
  },
});
