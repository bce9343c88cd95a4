import { containerField, isWindowsPod } from '../k8s/pod.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'allow-privilege-escalation',
    title: 'Privilege escalation allowed',
    category: 'security-context',
    severity: 'warning',
    pss: 'restricted',
    target: 'container',
    description:
      'Unless `allowPrivilegeEscalation` is false, a process in the container can gain more privileges than its parent, for example through a setuid binary. The restricted profile accepts only an explicit `false`.',
    remediation: 'Set `securityContext.allowPrivilegeEscalation: false` on the container.',
    messages: {
      unset:
        'Container "{{name}}" does not set `allowPrivilegeEscalation: false`, so a process inside can gain more privileges than it started with (through setuid binaries, for example), and restricted admission rejects the pod. Add `allowPrivilegeEscalation: false` to its securityContext.',
      enabled:
        'Container "{{name}}" allows privilege escalation: a process inside can gain root through setuid binaries or file capabilities. Set `allowPrivilegeEscalation: false`.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, pod, r) => {
      if (isWindowsPod(r, pod)) return;
      const f = containerField(r, c, 'allowPrivilegeEscalation');
      if (f.value === false) return;
      if (f.from === 'unset') ctx.report({ at: c.anchor, messageId: 'unset', data: { name: c.name } });
      else ctx.report({ at: f.pair, part: 'value', messageId: 'enabled', data: { name: c.name }, severity: 'error' });
    });
  },
});
