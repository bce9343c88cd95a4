import { securityContexts } from '../k8s/pod.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'windows-host-process',
    title: 'Windows HostProcess container',
    category: 'security-context',
    severity: 'error',
    pss: 'baseline',
    target: 'pod',
    description:
      'A Windows HostProcess container runs directly on the Windows node with its network and file system, outside any container isolation; it is the Windows equivalent of a privileged container.',
    remediation: 'Delete `windowsOptions.hostProcess` (or set it to `false`).',
    messages: {
      hostProcess:
        'This {{scope}} runs as a Windows HostProcess container, directly on the node with no isolation: a compromise is a compromise of the node. Remove `hostProcess: true`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const pod = r.pod;
    if (!pod) return;
    for (const { sc, scope } of securityContexts(r, pod)) {
      const p = r.view.pair(r.view.get(sc, 'windowsOptions'), 'hostProcess');
      if (!p || !r.view.isTrue(p.value)) continue;
      const options = r.view.map(r.view.get(sc, 'windowsOptions'))!;
      ctx.report({
        at: p,
        part: 'value',
        messageId: 'hostProcess',
        data: { scope },
        fixes: [{ title: 'Remove `hostProcess: true` (the container runs isolated, without the node\'s network and files)', safety: 'suggestion', apply: (b) => b.removePair(options, p) }],
      });
    }
  },
});
