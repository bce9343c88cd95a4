import { hostPathVolumes } from '../k8s/security.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'writable-host-path',
    title: 'hostPath mounted writable',
    category: 'host',
    severity: 'warning',
    target: 'container',
    description:
      'A hostPath volume mounted without `readOnly: true` lets the container write to the node\'s disk: plant files other processes trust, fill the disk, or follow symlinks out of the directory.',
    remediation: 'Add `readOnly: true` to the volumeMount (or stop mounting the host path).',
    messages: {
      writable:
        'Container "{{name}}" mounts host path volume "{{volume}}" writable, so it can change files on the node. Add `readOnly: true` to this volumeMount.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const v = r.view;
    if (!r.pod) return;
    const hostVolumes = new Set(hostPathVolumes(r).map((h) => h.name).filter((n) => n !== undefined));
    if (hostVolumes.size === 0) return;
    for (const c of r.pod.containers) {
      for (const mount of v.items(v.get(c.node, 'volumeMounts'))) {
        const namePair = v.pair(mount, 'name');
        const volume = v.text(namePair?.value);
        if (volume === undefined || !hostVolumes.has(volume)) continue;
        if (v.isTrue(v.get(mount, 'readOnly'))) continue;
        const readOnly = v.pair(mount, 'readOnly');
        const mountMap = v.map(mount)!;
        ctx.report({
          at: readOnly ?? namePair,
          part: 'value',
          messageId: 'writable',
          data: { name: c.name, volume },
          fixes: [
            {
              title: 'Mount it read-only (`readOnly: true`; writes to this path will fail)',
              safety: 'suggestion',
              apply: (b) => (readOnly ? b.setValue(readOnly, true) : b.addPair(mountMap, 'readOnly', true)),
            },
          ],
        });
      }
    }
  },
});
