import { hostPathChain, hostPathVolumes, sensitiveHostDir } from '../k8s/security.ts';
import { defineRule, owner } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'sensitive-host-path',
    title: 'Sensitive host directory mounted',
    category: 'host',
    severity: 'error',
    pss: 'baseline',
    target: 'pod',
    description:
      'Directories such as /, /etc, /proc, /sys, /var/lib/kubelet or /var/lib/docker hold the node\'s configuration, credentials and other pods\' data. Mounting them hands the container the keys to the node.',
    remediation: 'Do not mount system directories; if an agent needs one file, mount only that file, read-only.',
    messages: {
      sensitive:
        'Volume "{{volume}}" mounts `{{path}}` from the node; {{dir}} holds the node\'s system files, credentials or other pods\' data, so the container can read or change them. Remove the volume or mount a narrower path read-only.',
    },
  },
  check(ctx) {
    for (const vol of hostPathVolumes(ctx.resource)) {
      if (owner(ctx, hostPathChain(vol.path)) !== 'sensitive-host-path' || vol.path === undefined) continue;
      const dir = sensitiveHostDir(vol.path)!;
      ctx.report({
        at: vol.pathPair ?? vol.pair,
        part: 'value',
        messageId: 'sensitive',
        data: { volume: vol.name ?? '?', path: vol.path, dir: dir === '/' ? 'the root directory' : dir },
      });
    }
  },
});
