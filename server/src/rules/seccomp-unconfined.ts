import { securityContexts } from '../k8s/pod.ts';
import { defineRule } from '../engine/rule.ts';
import { CONFINED } from './seccomp-profile-required.ts';

export default defineRule({
  meta: {
    id: 'seccomp-unconfined',
    title: 'Seccomp explicitly disabled',
    category: 'security-context',
    severity: 'error',
    pss: 'baseline',
    target: 'pod',
    description:
      '`seccompProfile.type: Unconfined` turns system-call filtering off, so the container can reach every kernel entry point, including those behind most container escapes.',
    remediation: 'Use `type: RuntimeDefault` (or a `Localhost` profile made for the application).',
    messages: {
      unconfined:
        'Seccomp is turned off (`type: {{type}}`), so this {{scope}} can make every system call, including the rare ones behind most container escapes. Use `RuntimeDefault`.',
      pod: 'Seccomp is turned off for the pod (`type: {{type}}`), so every container without a profile of its own can make every system call, including the rare ones behind most container escapes, and baseline admission rejects the pod. Use `RuntimeDefault`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const pod = r.pod;
    if (!pod) return;
    for (const { sc, scope } of securityContexts(r, pod)) {
      const typePair = r.view.pair(r.view.get(sc, 'seccompProfile'), 'type');
      const type = r.view.str(typePair?.value);
      if (type !== undefined && !CONFINED.has(type)) {
        const pair = typePair!;
        ctx.report({
          at: pair,
          part: 'value',
          messageId: scope === 'pod' ? 'pod' : 'unconfined',
          data: { type, scope },
          fixes: [
            { title: 'Use seccomp type `RuntimeDefault` (system calls the runtime blocks by default will fail)', safety: 'suggestion', apply: (b) => b.setValue(pair, 'RuntimeDefault') },
          ],
        });
      }
    }
  },
});
