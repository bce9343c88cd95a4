import { defineRule } from '../engine/rule.ts';
import { autoscalerOf, missingTarget, ReportCache, scopeOf, targetNameNode, whereText, type Scope } from '../k8s/workloads.ts';
import { dig } from '../workspace/objects.ts';

const reports = new ReportCache();

function written(v: unknown): boolean {
  return typeof v === 'string' && v !== '';
}

export default defineRule({
  meta: {
    id: 'scaledobject-target-missing',
    title: 'KEDA ScaledObject targets an object that does not exist',
    category: 'workloads',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'A KEDA ScaledObject scales the object its `spec.scaleTargetRef` names, in its own namespace; `kind` defaults to Deployment and `apiVersion` to `apps/v1` when left out. When no such object exists KEDA marks the ScaledObject as not ready and scales nothing, so the workload it was meant for keeps a fixed replica count: usually after a rename, or because the target is a StatefulSet, an Argo Rollout or another custom resource and `kind` or `apiVersion` was left to its default. KubeGuard looks for the target in every file of the same scope (the files of one service or environment directory; see the README), in the namespace the ScaledObject lands in, and stays quiet when the scope holds no workload at all (its workloads are then kept somewhere else). When the file is checked on its own it reports only what the file proves: an object of the target\'s kind and name that has another API group, or that is in another namespace. `scaling-conflict` reports a target that has several autoscalers.',
    remediation:
      'Make `scaleTargetRef` name the workload exactly (`name`, plus `kind` and `apiVersion` when it is not an `apps/v1` Deployment), in the same namespace as the ScaledObject, or delete the ScaledObject if the workload is gone.',
    messages: {
      missing:
        'ScaledObject "{{name}}" scales {{kind}} "{{target}}", but no {{kind}} "{{target}}" is defined in namespace "{{namespace}}" ({{where}}), so KEDA scales nothing and the workload it was meant for keeps a fixed size. Fix `scaleTargetRef`, or delete the ScaledObject if the workload is gone.',
      missingDefaultKind:
        'ScaledObject "{{name}}" scales Deployment "{{target}}" (`scaleTargetRef` names no `kind`, so KEDA assumes an `apps/v1` Deployment), but no Deployment "{{target}}" is defined in namespace "{{namespace}}" ({{where}}), so KEDA scales nothing. Fix the name, or set `kind` and `apiVersion` if the target is not a Deployment.',
      wrongGroup:
        'ScaledObject "{{name}}" scales {{kind}} "{{target}}" of API group "{{group}}"{{defaulted}}, but {{kind}} "{{target}}" has `apiVersion: {{actual}}`, so KEDA cannot find it and scales nothing. Set `scaleTargetRef.apiVersion` to `{{actual}}`.',
    },
  },
  checkFile(ctx) {
    let scope: Scope | undefined;
    for (const r of ctx.resources) {
      if (r.kind !== 'ScaledObject' || r.group !== 'keda.sh') continue;
      scope ??= scopeOf(ctx);
      const o = scope.objectOf(r);
      const a = o && autoscalerOf(o);
      if (!o || !a?.target) continue;
      const missing = missingTarget(scope, a);
      if (!missing) continue;
      const t = a.target;
      const other = missing.otherGroup;
      const messageId = other ? 'wrongGroup' : written(dig(o.data, 'spec', 'scaleTargetRef', 'kind')) ? 'missing' : 'missingDefaultKind';
      const data = {
        name: r.name ?? '?',
        kind: t.kind,
        target: t.name,
        namespace: o.namespace,
        where: whereText(scope),
        group: t.group ?? '',
        actual: other?.apiVersion ?? '',
        defaulted: written(dig(o.data, 'spec', 'scaleTargetRef', 'apiVersion')) ? '' : ' (`scaleTargetRef` names no `apiVersion`, so KEDA assumes `apps/v1`)',
      };
      const related = missing.related;
      const at = targetNameNode(r);
      const key = JSON.stringify([messageId, data, related]);
      ctx.report(r, reports.get(r, key, () => ({ at, messageId, data, related })));
    }
  },
});
