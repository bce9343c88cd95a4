import { defineRule, type RelatedInfo } from '../engine/rule.ts';
import { autoscalerOf, isAutoscalerKind, relatedTo, ReportCache, scopeOf, targetNameNode, type Autoscaler } from '../k8s/workloads.ts';
import { asArray, asRecord, dig } from '../workspace/objects.ts';

const reports = new ReportCache();

const TRANSFER = 'scaledobject.keda.sh/transfer-hpa-ownership';

/**
 * Whether KEDA runs this HPA for the ScaledObject, so the two are one autoscaler: KEDA's own HPA
 * (`keda-hpa-<name>`, or one the ScaledObject owns, as exported from a cluster), or an existing
 * HPA the ScaledObject takes over (the transfer annotation and `horizontalPodAutoscalerConfig.name`).
 */
function kedaRuns(hpa: Autoscaler, so: Autoscaler): boolean {
  const h = hpa.object;
  const s = so.object;
  if (!h.name || !s.name) return false;
  const hpaName = dig(s.data, 'spec', 'advanced', 'horizontalPodAutoscalerConfig', 'name');
  if (h.name === (typeof hpaName === 'string' && hpaName !== '' ? hpaName : `keda-hpa-${s.name}`)) {
    // Taking over an HPA by its name needs the annotation; KEDA's default name is its own.
    if (typeof hpaName !== 'string' || hpaName === '') return true;
    const transfer = dig(s.data, 'metadata', 'annotations', TRANSFER);
    if (transfer === 'true' || transfer === true) return true;
  }
  return asArray(dig(h.data, 'metadata', 'ownerReferences')).some((ref) => {
    const rec = asRecord(ref);
    return rec?.kind === 'ScaledObject' && rec.name === s.name;
  });
}

function sameAutoscaler(a: Autoscaler, b: Autoscaler): boolean {
  if (a.kind === b.kind) return false;
  return a.kind === 'HorizontalPodAutoscaler' ? kedaRuns(a, b) : kedaRuns(b, a);
}

function describe(a: Autoscaler): string {
  return `${a.kind} "${a.object.name ?? '?'}"`;
}

export default defineRule({
  meta: {
    id: 'scaling-conflict',
    title: 'Workload scaled by more than one autoscaler',
    category: 'workloads',
    severity: 'error',
    target: 'file',
    workspace: true,
    description:
      'A KEDA ScaledObject works by creating a HorizontalPodAutoscaler for its target. When the same workload also has an HPA of its own, or two HPAs, or two ScaledObjects, each autoscaler sets the replica count from its own metrics and bounds and overwrites what the other chose: the count flaps, pods start and stop for no reason, and neither minimum is kept. KubeGuard compares the `scaleTargetRef` of every HPA and ScaledObject in the same scope (this file, and with a workspace the files of one service or environment directory; see the README), in the namespace each lands in. An HPA that KEDA runs for the ScaledObject is not a second autoscaler: `keda-hpa-<name>` (or one the ScaledObject owns, as exported from a cluster), or an existing HPA that the ScaledObject takes over with the `scaledobject.keda.sh/transfer-hpa-ownership: "true"` annotation and `advanced.horizontalPodAutoscalerConfig.name`.',
    remediation:
      'Keep one autoscaler per workload: move the HPA\'s metrics into the ScaledObject (KEDA has `cpu` and `memory` triggers) and delete the HPA, or let the ScaledObject take the HPA over with the transfer annotation.',
    messages: {
      conflict:
        '{{self}} scales {{kind}} "{{target}}" in namespace "{{namespace}}", and so does {{others}}: each sets the replica count from its own metrics and overwrites the other, so the count flaps and neither minimum holds. Keep one autoscaler per workload (a ScaledObject can take an HPA over with the `scaledobject.keda.sh/transfer-hpa-ownership` annotation).',
    },
  },
  checkFile(ctx) {
    let scope: ReturnType<typeof scopeOf> | undefined;
    for (const r of ctx.resources) {
      if (!isAutoscalerKind(r.group, r.kind)) continue;
      scope ??= scopeOf(ctx);
      const o = scope.objectOf(r);
      const a = o && autoscalerOf(o);
      if (!o || !a?.target) continue;
      const rivals = scope.autoscalersLike(a).slice(1).filter((b) => !sameAutoscaler(a, b));
      if (rivals.length === 0) continue;
      const t = a.target;
      const related: RelatedInfo[] = rivals.map((b) => relatedTo(b.object, `${describe(b)} also scales ${t.kind} "${t.name}"${b.min === undefined ? '' : ` (minimum ${b.min})`}.`));
      for (const w of scope.targetsOf(a).slice(0, 1)) related.push(relatedTo(w, `The ${w.kind} these autoscalers scale.`));
      const data = {
        self: describe(a),
        kind: t.kind,
        target: t.name,
        namespace: o.namespace,
        others: rivals.map(describe).join(' and '),
      };
      const key = JSON.stringify([data, related]);
      const at = targetNameNode(r);
      ctx.report(r, reports.get(r, key, () => ({ at, messageId: 'conflict', data, related })));
    }
  },
});
