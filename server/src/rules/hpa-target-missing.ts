import { defineRule } from '../engine/rule.ts';
import { autoscalerOf, missingTarget, ReportCache, scopeOf, targetNameNode, whereText, type Scope } from '../k8s/workloads.ts';

const reports = new ReportCache();

export default defineRule({
  meta: {
    id: 'hpa-target-missing',
    title: 'HorizontalPodAutoscaler targets an object that does not exist',
    category: 'workloads',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'A HorizontalPodAutoscaler scales the object its `scaleTargetRef` names: that kind and name, in the API group of its `apiVersion`, in the autoscaler\'s own namespace. When no such object exists the autoscaler does nothing but report `FailedGetScale`, and the workload it was meant for keeps a fixed replica count: usually after a rename, a copy from another app, or an `apiVersion: apps/v1` left on a target that is an Argo Rollout. KubeGuard looks for the target in every file of the same scope (the files of one service or environment directory; see the README), in the namespace the autoscaler lands in, and stays quiet when the scope holds no workload at all (its workloads are then kept somewhere else). When the file is checked on its own it reports only what the file proves: an object of the target\'s kind and name that has another API group, or that is in another namespace. `extensions` and `apps` count as the same group for Deployments, ReplicaSets and DaemonSets.',
    remediation:
      'Make `scaleTargetRef` name the workload exactly (`apiVersion`, `kind` and `name`), in the same namespace as the autoscaler, or delete the autoscaler if the workload is gone.',
    messages: {
      missing:
        'HorizontalPodAutoscaler "{{name}}" scales {{kind}} "{{target}}", but no {{kind}} "{{target}}" is defined in namespace "{{namespace}}" ({{where}}), so the autoscaler does nothing and the workload it was meant for keeps a fixed size. Fix `scaleTargetRef`, or delete the autoscaler if the workload is gone.',
      wrongGroup:
        'HorizontalPodAutoscaler "{{name}}" scales {{kind}} "{{target}}" of API group "{{group}}", but {{kind}} "{{target}}" has `apiVersion: {{actual}}`, so the autoscaler cannot find it and does nothing. Set `scaleTargetRef.apiVersion` to `{{actual}}`.',
    },
  },
  checkFile(ctx) {
    let scope: Scope | undefined;
    for (const r of ctx.resources) {
      if (r.kind !== 'HorizontalPodAutoscaler' || r.group !== 'autoscaling') continue;
      scope ??= scopeOf(ctx);
      const o = scope.objectOf(r);
      const a = o && autoscalerOf(o);
      if (!o || !a?.target) continue;
      const missing = missingTarget(scope, a);
      if (!missing) continue;
      const t = a.target;
      const other = missing.otherGroup;
      const messageId = other ? 'wrongGroup' : 'missing';
      const data = {
        name: r.name ?? '?',
        kind: t.kind,
        target: t.name,
        namespace: o.namespace,
        where: whereText(scope),
        group: t.group ?? '',
        actual: other?.apiVersion ?? '',
      };
      const related = missing.related;
      const at = targetNameNode(r);
      const key = JSON.stringify([messageId, data, related]);
      ctx.report(r, reports.get(r, key, () => ({ at, messageId, data, related })));
    }
  },
});
