import { hostPathChain, hostPathVolumes } from '../k8s/security.ts';
import { defineRule, owner } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'host-path-volume',
    title: 'hostPath volume',
    category: 'host',
    severity: 'warning',
    pss: 'baseline',
    target: 'pod',
    description:
      'A hostPath volume mounts a directory of the node into the pod. It ties the pod to one node\'s files, and a writable or badly chosen path gives the container a way to change the node.',
    remediation:
      'Use a volume type that is not the node\'s file system: emptyDir for scratch space, a PersistentVolumeClaim for data, a ConfigMap or Secret for configuration.',
    messages: {
      hostPath:
        'Volume "{{volume}}" mounts `{{path}}` from the node, which ties the pod to that node\'s files and can let it change them. Use emptyDir, a PersistentVolumeClaim, a ConfigMap or a Secret instead.',
    },
  },
  check(ctx) {
    for (const vol of hostPathVolumes(ctx.resource)) {
      if (owner(ctx, hostPathChain(vol.path)) !== 'host-path-volume') continue;
      ctx.report({ at: vol.pair, messageId: 'hostPath', data: { volume: vol.name ?? '?', path: vol.path ?? '?' } });
    }
  },
});
