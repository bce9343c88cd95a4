import { securityContexts } from '../k8s/pod.ts';
import { ALLOWED_SELINUX_TYPES } from '../k8s/security.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'selinux-custom-options',
    title: 'Custom SELinux options',
    category: 'security-context',
    severity: 'warning',
    pss: 'baseline',
    target: 'pod',
    description:
      'SELinux labels decide what a container may touch on the node. A custom user or role, or a type outside the container types, can lift that confinement.',
    remediation:
      'Remove `seLinuxOptions.user` and `.role`; use one of `container_t`, `container_init_t`, `container_kvm_t`, `container_engine_t` as the type, or leave it unset.',
    messages: {
      userRole:
        '`seLinuxOptions.{{field}}` is set on this {{scope}}; a custom SELinux {{field}} can lift the confinement that keeps the container away from the node\'s files. Remove it.',
      type:
        'SELinux type `{{type}}` on this {{scope}} is not one of the container types (container_t, container_init_t, container_kvm_t, container_engine_t), so the container may not be confined. Use a container type or remove the field.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const v = r.view;
    const pod = r.pod;
    if (!pod) return;
    for (const { sc, scope } of securityContexts(r, pod)) {
      const opts = v.get(sc, 'seLinuxOptions');
      for (const field of ['user', 'role']) {
        const p = v.pair(opts, field);
        if (p && (v.text(p.value) ?? '') !== '') ctx.report({ at: p, messageId: 'userRole', data: { field, scope } });
      }
      const typePair = v.pair(opts, 'type');
      const type = v.text(typePair?.value);
      if (type && !ALLOWED_SELINUX_TYPES.has(type)) {
        ctx.report({ at: typePair, part: 'value', messageId: 'type', data: { type, scope } });
      }
    }
  },
});
