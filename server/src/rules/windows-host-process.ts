import { securityContexts } from '../k8s/pod.ts';
import { defineRule, type Fix } from '../engine/rule.ts';
import type { Pair } from '../yaml/nodes.ts';
import { removable, removeOrSet, type Level } from './privileged-container.ts';

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
    const v = r.view;
    const pod = r.pod;
    if (!pod) return;
    const places: { levels: Level[]; pair: Pair; scope: string }[] = [];
    for (const { sc, scope, container } of securityContexts(r, pod)) {
      const p = v.pair(v.get(sc, 'windowsOptions'), 'hostProcess');
      if (!p || !v.isTrue(p.value)) continue;
      const owner = container?.node ?? pod.node;
      const levels = [
        { map: v.map(v.get(sc, 'windowsOptions')), pair: p },
        { map: sc, pair: v.pair(sc, 'windowsOptions') },
        { map: owner, pair: v.pair(owner, 'securityContext') },
      ];
      places.push({ levels, pair: p, scope });
    }
    if (places.length === 0) return;
    // The API server rejects a pod that mixes HostProcess and isolated containers, so the fix turns
    // HostProcess off everywhere in the pod at once (a shared anchor is edited once).
    const targets = places.filter((p, i) => places.findIndex((q) => q.pair === p.pair) === i);
    const only = targets.length === 1 ? targets[0]! : undefined;
    const what = !only
      ? 'Turn off `hostProcess` in the pod and every container that sets it'
      : removable(only.levels)
        ? 'Remove `hostProcess: true`'
        : 'Set `hostProcess: false`';
    const fix: Fix = {
      title: `${what} (the containers run isolated, without the node's network and files)`,
      safety: 'suggestion',
      apply: (b) => {
        for (const t of targets) removeOrSet(b, t.levels, false);
      },
    };
    for (const { pair, scope } of places) {
      ctx.report({ at: pair, part: 'value', messageId: 'hostProcess', data: { scope }, fixes: [fix] });
    }
  },
});
