import { defineRule } from '../engine/rule.ts';

/** Where each kind keeps its update strategy, and what the other strategy does. */
const STRATEGY: Record<string, { field: string; other: string; effect: string; unless: string }> = {
  Deployment: {
    field: 'strategy',
    other: 'Recreate',
    effect: 'every rollout stops all old pods before the new ones start, so the app is down until the new pods are ready',
    unless: 'two versions of the app must never run at the same time (a ReadWriteOnce volume, an incompatible schema change)',
  },
  DaemonSet: {
    field: 'updateStrategy',
    other: 'OnDelete',
    effect: 'a changed pod template reaches a node only when someone deletes the old pod there, so nodes keep running old versions indefinitely',
    unless: 'each node must be updated by hand (some network and storage agents)',
  },
};

export default defineRule({
  meta: {
    id: 'rolling-update-strategy',
    title: 'Update strategy is not RollingUpdate',
    category: 'workloads',
    severity: 'info',
    target: 'object',
    description:
      'A Deployment with `strategy.type: Recreate` stops every old pod before it starts new ones, so each rollout is an outage. A DaemonSet with `updateStrategy.type: OnDelete` never replaces its pods by itself: nodes keep running the old version until someone deletes each pod. Leaving the type out is fine: both default to RollingUpdate. A type Kubernetes does not know (a typo such as `recreate`) is reported as an error, since the API server rejects it. Recreate is sometimes needed (a ReadWriteOnce volume, two versions that must not run side by side); then keep it and suppress the finding with a reason. StatefulSets are not checked: `OnDelete` there is a common, deliberate way to control the order in which stateful members are replaced.',
    remediation:
      'Set the type to `RollingUpdate` (or remove it to get the default), and tune `maxUnavailable` / `maxSurge` if the defaults do not suit the app.',
    messages: {
      notRolling:
        '{{kind}} "{{name}}" uses the {{type}} update strategy: {{effect}}. Use `RollingUpdate`, unless {{unless}}.',
      unknown:
        '{{kind}} "{{name}}" sets `{{field}}.type: {{type}}`, which is not an update strategy Kubernetes knows (`RollingUpdate` or `{{other}}`), so the API server rejects the object. Use `RollingUpdate`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const kind = r.workload?.kind;
    const s = kind ? STRATEGY[kind] : undefined;
    if (!s) return;
    const v = r.view;
    const typePair = v.pair(v.get(v.get(r.root, 'spec'), s.field), 'type');
    const type = v.str(typePair?.value);
    // Unset (or empty) means the default, RollingUpdate.
    if (!typePair || !type || type === 'RollingUpdate') return;
    const known = type === s.other;
    ctx.report({
      at: typePair,
      part: 'value',
      messageId: known ? 'notRolling' : 'unknown',
      // A type the API server rejects is more than hygiene.
      ...(known ? {} : { severity: 'error' as const }),
      data: { kind: r.kind, name: r.name ?? '?', type, field: s.field, other: s.other, effect: s.effect, unless: s.unless },
      fixes: [
        {
          title: `Set \`${s.field}.type: RollingUpdate\` (pods are then replaced a few at a time, so old and new versions run side by side during a rollout)`,
          safety: 'suggestion',
          apply: (b) => b.setValue(typePair, 'RollingUpdate'),
        },
      ],
    });
  },
});
