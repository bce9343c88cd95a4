import { containerField, isWindowsPod, setContainerField } from '../k8s/pod.ts';
import { capabilitiesOf } from '../k8s/security.ts';
import { defineRule, forEachContainer, type Fix } from '../engine/rule.ts';

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
      notBoolean:
        'Container "{{name}}" sets `allowPrivilegeEscalation` to {{value}}, which is not the boolean false (a quoted "false" is a string), so the API server rejects the manifest. Write `allowPrivilegeEscalation: false` without quotes.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, pod, r) => {
      if (isWindowsPod(r, pod)) return;
      const f = containerField(r, c, 'allowPrivilegeEscalation');
      if (f.value === false) return;
      const fixes: Fix[] = [];
      // The API server refuses `allowPrivilegeEscalation: false` next to `privileged: true` or an
      // added `CAP_SYS_ADMIN` (spelled exactly so): those findings' own fixes come first.
      const conflict =
        containerField(r, c, 'privileged').value === true || capabilitiesOf(r, c).add.some((a) => a.written === 'CAP_SYS_ADMIN');
      if (!conflict) {
        const set = setContainerField(c, 'allowPrivilegeEscalation', false);
        if (typeof f.value === 'string' && f.value.trim().toLowerCase() === 'false') {
          // The quoted "false" never reached a cluster (the API server rejects it): this is what was meant.
          fixes.push({ title: 'Write `allowPrivilegeEscalation: false` as a boolean', safety: 'safe', apply: set });
        } else {
          // no_new_privs: a setuid binary (sudo, su) or a binary with file capabilities no longer
          // raises the privileges of a non-root process.
          fixes.push({
            title: 'Set `allowPrivilegeEscalation: false` (setuid binaries such as sudo and file capabilities stop granting privileges)',
            safety: 'suggestion',
            apply: set,
          });
        }
      }
      if (f.from === 'unset') ctx.report({ at: c.anchor, messageId: 'unset', data: { name: c.name }, fixes });
      else if (f.value === true) {
        ctx.report({ at: f.pair, part: 'value', messageId: 'enabled', data: { name: c.name }, severity: 'error', fixes });
      } else {
        // A string or a number is not an explicit false (and Kubernetes refuses it).
        ctx.report({ at: f.pair, part: 'value', messageId: 'notBoolean', data: { name: c.name, value: written(f.value) }, fixes });
      }
    });
  },
});

/** How a non-boolean value reads in a message: a string in quotes, a map or list by its kind. */
function written(value: unknown): string {
  return value === undefined ? 'a map or list' : JSON.stringify(value);
}
