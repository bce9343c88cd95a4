import { containerSecurityContext, isWindowsPod, podSecurityContext } from '../k8s/pod.ts';
import type { Resource } from '../k8s/resource.ts';
import type { YAMLMap } from '../yaml/nodes.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

/** The container securityContext the fix writes: what the restricted profile and read-only root ask for. */
const HARDENED = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
  readOnlyRootFilesystem: true,
};

/** No map, or a map with nothing in it (`{}`, or keys without values). */
function isEmpty(r: Resource, sc: YAMLMap | undefined): boolean {
  return r.view.pairs(sc).every((p) => {
    const v = r.view.deref(p.value);
    return v === undefined || r.view.value(v) === null;
  });
}

export default defineRule({
  meta: {
    id: 'security-context-missing',
    title: 'No security context at all',
    category: 'security-context',
    severity: 'info',
    target: 'container',
    description:
      'A container without a securityContext, in a pod without one, runs with whatever the runtime and the image choose: usually as root, with the default capabilities, privilege escalation allowed, no seccomp filter and a writable root file system. Nothing in the manifest records a decision about any of it. The rule reports each such container once; the specific security-context rules say which setting is missing.',
    remediation:
      'Give the container a securityContext. The quick fix inserts a hardened one (`runAsNonRoot: true`, `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]`, `seccompProfile.type: RuntimeDefault`, `readOnlyRootFilesystem: true`); check that the image runs as a non-root user and mount an emptyDir wherever the app writes.',
    messages: {
      missing:
        'Neither container "{{name}}" nor its pod has a securityContext, so it runs with the runtime\'s defaults: as the image\'s user (often root), with the default capabilities, privilege escalation allowed and a writable root file system. Add a securityContext that takes away what the app does not need.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const pod = r.pod;
    // Windows pods take none of the Linux settings the fix would write.
    if (!pod || isWindowsPod(r, pod) || !isEmpty(r, podSecurityContext(r, pod))) return;
    forEachContainer(ctx, (c) => {
      if (!isEmpty(r, containerSecurityContext(r, c))) return;
      ctx.report({
        at: c.anchor,
        messageId: 'missing',
        data: { name: c.name },
        fixes: [
          {
            title:
              'Add a hardened securityContext (runs as non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, read-only root file system): check that the image runs as a non-root user and mount an emptyDir where the app writes',
            safety: 'suggestion',
            apply: (b) => b.setIn(c.node, ['securityContext'], HARDENED),
            // seccomp-profile-required reports a pod whose containers all lack a profile once, on
            // the pod; once this container has one, it names each of the others instead.
            reveals: ['seccomp-profile-required'],
          },
        ],
      });
    });
  },
});
