import type { Resource } from '../k8s/resource.ts';
import { addPairAfter, addPairFirst } from '../k8s/workloads.ts';
import { defineRule, type Fix, type ObjectContext } from '../engine/rule.ts';

const TTL = 86400;
const DEADLINE = 300;

/** Annotations that hand a Job's clean-up to a deployment tool (Helm and Argo CD hooks). */
const HOOK_ANNOTATIONS = ['helm.sh/hook', 'helm.sh/hook-delete-policy', 'argocd.argoproj.io/hook', 'argocd.argoproj.io/hook-delete-policy'];

function isHook(r: Resource): boolean {
  const annotations = r.view.get(r.metadata, 'annotations');
  return HOOK_ANNOTATIONS.some((a) => r.view.has(annotations, a));
}

function checkRestartPolicy(ctx: ObjectContext): void {
  const r = ctx.resource;
  const pod = r.pod;
  if (!pod) return;
  const v = r.view;
  const pair = v.pair(pod.node, 'restartPolicy');
  const value = v.text(pair?.value);
  if (value === 'Never' || value === 'OnFailure') return;
  const data = { kind: r.kind, name: r.name ?? '?', value: value ?? '' };
  const fixes: Fix[] = [
    {
      title: 'Set `restartPolicy: OnFailure` (a failed container is restarted in the same pod; use `Never` for a new pod per retry)',
      safety: 'suggestion',
      apply: (b) => {
        if (pair) b.setValue(pair, 'OnFailure');
        else if (pod.pair) addPairFirst(b, pod.pair, pod.node, 'restartPolicy', 'OnFailure');
        else b.addPair(pod.node, 'restartPolicy', 'OnFailure');
      },
    },
  ];
  // The API server rejects the object: more than hygiene.
  if (value === undefined) {
    ctx.report({ at: pair ?? pod.pair ?? r.anchor, messageId: 'restartPolicyUnset', data, severity: 'error', fixes });
  } else {
    ctx.report({ at: pair, part: 'value', messageId: 'restartPolicyInvalid', data, severity: 'error', fixes });
  }
}

export default defineRule({
  meta: {
    id: 'job-lifecycle',
    title: 'Job or CronJob lifecycle settings missing',
    category: 'workloads',
    severity: 'info',
    target: 'object',
    description:
      'A finished Job and its pods stay in the cluster until someone deletes them unless `ttlSecondsAfterFinished` is set, so one-off Jobs pile up. Jobs that a CronJob creates are not flagged: the CronJob\'s history limits clean them up; neither are Helm and Argo CD hook Jobs, which those tools delete. A CronJob without `startingDeadlineSeconds` starts a run it missed (the controller was down, or `concurrencyPolicy: Forbid` held it back) however late it is once it can. The pods of a Job must use `restartPolicy: OnFailure` or `Never`; anything else, including leaving it out (which means `Always`), makes the API server reject the object, so that case is reported as an error. Under a GitOps tool that re-applies manifests, a Job deleted by its TTL is created again and runs again: run such Jobs as the tool\'s hooks instead.',
    remediation:
      'Set `ttlSecondsAfterFinished` on Jobs, `startingDeadlineSeconds` on CronJobs (values that suit how long results must be kept and how late a run may start), and `restartPolicy: OnFailure` or `Never` in the pod template.',
    messages: {
      ttl:
        'Job "{{name}}" sets no `ttlSecondsAfterFinished`, so once it finishes the Job and its pods stay in the cluster until someone deletes them. Set `ttlSecondsAfterFinished` (for example 86400, one day; adjust to how long you need its logs and status).',
      deadline:
        'CronJob "{{name}}" sets no `startingDeadlineSeconds`, so a run that could not start on time (controller down, or held back by `concurrencyPolicy`) still starts whenever it can, however late. Set `startingDeadlineSeconds` (for example 300; adjust to how late a run may still be useful).',
      restartPolicyUnset:
        'The pod template of {{kind}} "{{name}}" sets no `restartPolicy`, which means `Always`, and Job pods may only use `OnFailure` or `Never`: the API server rejects the {{kind}}. Set `restartPolicy: OnFailure` (retry in the same pod) or `Never` (a new pod per retry).',
      restartPolicyInvalid:
        'The pod template of {{kind}} "{{name}}" sets `restartPolicy: {{value}}`, but Job pods may only use `OnFailure` or `Never`: the API server rejects the {{kind}}. Set `restartPolicy: OnFailure` (retry in the same pod) or `Never` (a new pod per retry).',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const kind = r.workload?.kind;
    if (kind !== 'Job' && kind !== 'CronJob') return;
    const v = r.view;
    const specPair = v.pair(r.root, 'spec');
    const spec = v.map(specPair?.value);
    if (!specPair || !spec) return;
    const name = r.name ?? '?';
    const ttlPair = v.pair(spec, 'ttlSecondsAfterFinished');
    if (kind === 'Job' && v.value(ttlPair?.value) == null && !isHook(r)) {
      ctx.report({
        // An empty `ttlSecondsAfterFinished:` is as good as none: point at it.
        at: ttlPair ?? specPair,
        messageId: 'ttl',
        data: { name },
        fixes: [
          {
            title: `Add \`ttlSecondsAfterFinished: ${TTL}\` (the finished Job and its pods are deleted a day later; adjust the delay)`,
            safety: 'suggestion',
            apply: (b) => {
              if (ttlPair) b.setValue(ttlPair, TTL);
              else addPairFirst(b, specPair, spec, 'ttlSecondsAfterFinished', TTL);
            },
          },
        ],
      });
    }
    const deadlinePair = v.pair(spec, 'startingDeadlineSeconds');
    if (kind === 'CronJob' && v.value(deadlinePair?.value) == null) {
      ctx.report({
        at: deadlinePair ?? specPair,
        messageId: 'deadline',
        data: { name },
        fixes: [
          {
            title: `Add \`startingDeadlineSeconds: ${DEADLINE}\` (a run more than 5 minutes late is skipped; adjust the deadline)`,
            safety: 'suggestion',
            apply: (b) => {
              if (deadlinePair) b.setValue(deadlinePair, DEADLINE);
              else addPairAfter(b, specPair, spec, v.pair(spec, 'schedule'), 'startingDeadlineSeconds', DEADLINE);
            },
          },
        ],
      });
    }
    checkRestartPolicy(ctx);
  },
});
