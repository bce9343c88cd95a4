import { containerSecurityContext, podSecurityContext } from '../k8s/pod.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'root-group',
    title: 'Runs with group 0 (root)',
    category: 'security-context',
    severity: 'warning',
    pss: 'restricted',
    target: 'pod',
    description:
      'Group 0 owns many files on the node and in images; a process in group 0 can read or write them even when it is not user 0. The restricted profile\'s non-root-groups control asks for non-zero groups.',
    remediation: 'Use a non-zero `runAsGroup` and `fsGroup`, and remove 0 from `supplementalGroups`.',
    messages: {
      podGroup:
        '`runAsGroup: 0` in the pod securityContext gives the root group to every container that does not set its own `runAsGroup`, so their processes can read and write files owned by group 0 on volumes and in the image. Use a non-zero group ID.',
      fsGroup:
        '`fsGroup: 0` adds the root group to every process in the pod and gives group 0 ownership of its volumes, so the processes can read and write files owned by group 0. Use a non-zero group ID.',
      containerGroup:
        'Container "{{name}}" sets `runAsGroup: 0`, so its processes run with the root group and can read and write files owned by group 0 on volumes and in the image. Use a non-zero group ID.',
      supplemental:
        '`supplementalGroups` contains 0, which adds the root group to every process in the pod and lets them reach files owned by group 0. Remove it.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const v = r.view;
    const pod = r.pod;
    if (!pod) return;
    const podSc = podSecurityContext(r, pod);
    for (const [field, messageId] of [['runAsGroup', 'podGroup'], ['fsGroup', 'fsGroup']] as const) {
      const p = v.pair(podSc, field);
      if (p && v.value(p.value) === 0) ctx.report({ at: p, part: 'value', messageId });
    }
    for (const item of v.items(v.get(podSc, 'supplementalGroups'))) {
      if (v.value(item) === 0) ctx.report({ at: item, messageId: 'supplemental' });
    }
    for (const c of pod.containers) {
      const p = v.pair(containerSecurityContext(r, c), 'runAsGroup');
      if (p && v.value(p.value) === 0) ctx.report({ at: p, part: 'value', messageId: 'containerGroup', data: { name: c.name } });
    }
  },
});
