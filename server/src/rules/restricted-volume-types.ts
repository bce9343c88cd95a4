import { hostPathChain, RESTRICTED_VOLUME_TYPES } from '../k8s/security.ts';
import { defineRule, owner } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'restricted-volume-types',
    title: 'Volume type not allowed by the restricted profile',
    category: 'host',
    severity: 'warning',
    pss: 'restricted',
    target: 'pod',
    description:
      'The restricted profile allows only volume types that do not reach into the node or into external storage with the pod\'s own credentials: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret. Others (nfs, iscsi, rbd, gitRepo, flexVolume, ...) are mounted by the node on the pod\'s behalf.',
    remediation: 'Move the storage behind a PersistentVolumeClaim (the PersistentVolume may use any type), or use one of the allowed types.',
    messages: {
      type:
        'Volume "{{volume}}" uses type `{{type}}`, which the restricted profile does not allow: the node mounts it for the pod, outside the controls that apply to PersistentVolumeClaims. Use a PersistentVolumeClaim or an allowed type (configMap, secret, emptyDir, projected, csi, ...).',
      hostPath:
        'Volume "{{volume}}" mounts `{{path}}` from the node\'s own file system (type `hostPath`), which the restricted profile does not allow (nor does baseline). Use a PersistentVolumeClaim or an allowed type (configMap, secret, emptyDir, projected, csi, ...).',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const v = r.view;
    if (!r.pod) return;
    for (const vol of v.items(v.get(r.pod.node, 'volumes'))) {
      const volume = v.text(v.get(vol, 'name')) ?? '?';
      for (const p of v.pairs(vol)) {
        const type = v.keyOf(p);
        if (type === undefined || type === 'name' || RESTRICTED_VOLUME_TYPES.has(type)) continue;
        if (type === 'hostPath') {
          // Reported here only when every more specific hostPath rule is off.
          const path = v.text(v.get(p.value, 'path'));
          if (owner(ctx, hostPathChain(path)) !== 'restricted-volume-types') continue;
          ctx.report({ at: p, messageId: 'hostPath', data: { volume, path: path ?? '?' } });
          continue;
        }
        ctx.report({ at: p, messageId: 'type', data: { volume, type } });
      }
    }
  },
});
