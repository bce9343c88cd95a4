import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'priority-class',
    title: 'Priority class missing or not allowed',
    category: 'workloads',
    severity: 'off',
    enabledBy: { setting: 'priorityClasses', severity: 'info' },
    target: 'pod',
    description:
      'The priority class decides which pods the scheduler evicts first when a node runs short and which pending pods it places first. A pod without `priorityClassName` gets the cluster\'s global default class, or priority 0, so a critical service can be preempted by batch work. Off by default: it turns on (at `info`) when `kubeguard.priorityClasses` lists the classes workloads may use, and then also flags names outside that list; it can also be turned on without a list in `kubeguard.rules`, to require only that a class is set.',
    remediation:
      'Set `priorityClassName` in the pod spec to one of the PriorityClasses of your cluster (one listed in `kubeguard.priorityClasses` when that setting is used).',
    messages: {
      missing:
        'No `priorityClassName` is set for {{target}}, so the cluster\'s default priority applies and an important workload may be preempted by, or wait behind, less important work. Set `priorityClassName` to the class this workload should run at.',
      notAllowed:
        'Priority class "{{value}}" of {{target}} is not among the allowed classes ({{allowed}}), so the workload may be scheduled ahead of (and evict) more important pods, or fall behind less important ones. Use one of the allowed classes.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!r.pod) return;
    const v = r.view;
    const target = r.kind === 'Pod' ? `Pod "${r.name ?? '?'}"` : `the pods of ${r.kind} "${r.name ?? '?'}"`;
    const pair = v.pair(r.pod.node, 'priorityClassName');
    const value = v.text(pair?.value);
    // The engine reports an `enabledBy` rule at the meta severity only when the severity is
    // forced; otherwise the rule gives its own: `info`, as `enabledBy` says.
    const severity = 'info' as const;
    if (!value) {
      ctx.report({ at: pair ?? r.pod.pair ?? r.anchor, messageId: 'missing', data: { target }, severity });
      return;
    }
    const allowed = ctx.settings.priorityClasses;
    if (allowed.length === 0 || allowed.includes(value)) return;
    ctx.report({
      at: pair,
      part: 'value',
      messageId: 'notAllowed',
      data: { target, value, allowed: allowed.map((a) => `"${a}"`).join(', ') },
      severity,
    });
  },
});
