import { defineRule, type Fix } from '../engine/rule.ts';
import { relatedTo, replicasOf, ReportCache, scopeOf, type Autoscaler } from '../k8s/workloads.ts';

const reports = new ReportCache();

function bounds(a: Autoscaler): string {
  if (a.min === undefined) return '';
  return a.kind === 'ScaledObject' ? ` (minReplicaCount ${a.min})` : ` (minReplicas ${a.min})`;
}

export default defineRule({
  meta: {
    id: 'hpa-with-static-replicas',
    title: 'Autoscaled workload also sets spec.replicas',
    category: 'workloads',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'Once a HorizontalPodAutoscaler (or a KEDA ScaledObject, which runs one) scales a workload, the autoscaler owns `spec.replicas`. A count written in the manifest is applied again on every `kubectl apply`, Helm upgrade or GitOps sync: the workload jumps to that number, pods are killed or started, and the autoscaler needs minutes to bring it back to what the load requires. KubeGuard looks for the autoscalers in the same file and, with a workspace, in every file of the same scope (the files of one service or environment directory; see the README), in the namespace the workload lands in. Removing the field needs care once: with client-side `kubectl apply`, the first apply without `replicas` resets the workload to 1 replica (the field is dropped, so its default comes back). Run `kubectl apply edit-last-applied` to remove it from the last applied configuration first, as the Kubernetes documentation on migrating to horizontal autoscaling describes; server-side apply and most GitOps tools keep the current count.',
    remediation:
      'Delete `spec.replicas` from the workload and let the autoscaler\'s minimum decide the smallest size.',
    messages: {
      static:
        '{{kind}} "{{name}}" sets `replicas: {{replicas}}`, but {{autoscaler}} scales it, so every apply or sync resets it to {{replicas}} pods until the autoscaler corrects it again. Delete `replicas` and let the autoscaler set the count.',
    },
  },
  checkFile(ctx) {
    let scope: ReturnType<typeof scopeOf> | undefined;
    for (const r of ctx.resources) {
      const rep = r.workload ? replicasOf(r) : undefined;
      const pair = rep?.pair;
      if (!rep?.spec || !pair || r.view.deref(pair.value) === undefined || r.view.value(pair.value) === null) continue;
      scope ??= scopeOf(ctx);
      const o = scope.objectOf(r);
      const autoscalers = o ? scope.autoscalersOf(o) : [];
      if (autoscalers.length === 0) continue;
      const related = autoscalers.map((a) => relatedTo(a.object, `${a.kind} "${a.object.name ?? '?'}" scales this ${r.kind}${bounds(a)}.`));
      const replicas = r.view.text(pair.value) ?? '?';
      const data = {
        kind: r.kind,
        name: r.name ?? '?',
        replicas,
        autoscaler: autoscalers.map((a) => `${a.kind} "${a.object.name ?? '?'}"`).join(' and '),
      };
      const key = JSON.stringify([data, related]);
      const spec = rep.spec;
      ctx.report(
        r,
        reports.get(r, key, () => {
          const fix: Fix = {
            title: 'Delete `replicas` so the autoscaler alone sets the count (with client-side `kubectl apply`, run `kubectl apply edit-last-applied` first, or the next apply resets the workload to 1 replica)',
            safety: 'suggestion',
            apply: (b) => b.removePair(spec, pair),
          };
          return { at: pair, messageId: 'static', data, related, fixes: [fix] };
        }),
      );
    }
  },
});
