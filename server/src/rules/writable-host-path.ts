import { hostPathVolumes, runtimeSocketOf, type HostPathVolume } from '../k8s/security.ts';
import { defineRule, type Fix } from '../engine/rule.ts';
import type { Resource } from '../k8s/resource.ts';

/**
 * What a read-only mount would not protect: the kernel lets a process connect to a Unix socket
 * and write to a device node on a read-only mount, so `readOnly: true` changes nothing for them.
 */
function unprotected(r: Resource, h: HostPathVolume): string | undefined {
  const type = r.view.text(r.view.get(h.pair.value, 'type'));
  const path = h.path ?? '';
  if (type === 'Socket' || /\.sock$/.test(path)) return 'a Unix socket';
  if (runtimeSocketOf(path)) return 'the container runtime\'s sockets';
  if (type === 'CharDevice' || type === 'BlockDevice') return 'a device';
  if (/^\/+dev(\/|$)/.test(path)) return 'device nodes';
  return undefined;
}

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
      special:
        'Container "{{name}}" mounts host path volume "{{volume}}", which holds {{what}}, without `readOnly: true`; a read-only mount would not help, as the container can still connect to a socket or write to a device through it. Remove the mount unless the container needs it.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const v = r.view;
    if (!r.pod) return;
    const hostVolumes = new Map(hostPathVolumes(r).flatMap((h) => (h.name === undefined ? [] : [[h.name, h] as const])));
    if (hostVolumes.size === 0) return;
    for (const c of r.pod.containers) {
      for (const mount of v.items(v.get(c.node, 'volumeMounts'))) {
        const namePair = v.pair(mount, 'name');
        const volume = v.text(namePair?.value);
        if (volume === undefined || !hostVolumes.has(volume)) continue;
        if (v.isTrue(v.get(mount, 'readOnly'))) continue;
        const readOnly = v.pair(mount, 'readOnly');
        const mountMap = v.map(mount)!;
        const what = unprotected(r, hostVolumes.get(volume)!);
        const fixes: Fix[] = what
          ? []
          : [
              {
                title: 'Mount it read-only (`readOnly: true`; writes to this path will fail)',
                safety: 'suggestion',
                apply: (b) => (readOnly ? b.setValue(readOnly, true) : b.addPair(mountMap, 'readOnly', true)),
              },
            ];
        ctx.report({
          at: readOnly ?? namePair,
          part: 'value',
          messageId: what ? 'special' : 'writable',
          data: what ? { name: c.name, volume, what } : { name: c.name, volume },
          fixes,
        });
      }
    }
  },
});
