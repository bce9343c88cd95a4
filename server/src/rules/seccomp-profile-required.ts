import { containerSecurityContext, isWindowsPod, podSecurityContext } from '../k8s/pod.ts';
import type { Resource } from '../k8s/resource.ts';
import { defineRule } from '../engine/rule.ts';
import type { YAMLMap } from '../yaml/nodes.ts';

const CONFINED = new Set(['RuntimeDefault', 'Localhost']);

function profileType(r: Resource, sc: YAMLMap | undefined): string | undefined {
  return r.view.str(r.view.at(sc, ['seccompProfile', 'type']));
}

export default defineRule({
  meta: {
    id: 'seccomp-profile-required',
    title: 'No seccomp profile',
    category: 'security-context',
    severity: 'warning',
    pss: 'restricted',
    target: 'pod',
    description:
      'Without a seccomp profile a container may call every system call the kernel offers, including the rarely used ones where kernel exploits live. `RuntimeDefault` blocks those at no cost for almost every application.',
    remediation: 'Add `seccompProfile: {type: RuntimeDefault}` to the pod securityContext.',
    messages: {
      pod: 'No seccomp profile is set for this pod, so its containers can make any system call, including the rare ones most kernel exploits use. Add `seccompProfile: {type: RuntimeDefault}` to the pod securityContext.',
      container:
        'Container "{{name}}" has no seccomp profile (and the pod sets none), so it can make any system call, including the rare ones most kernel exploits use. Set `seccompProfile.type: RuntimeDefault` on the pod or the container.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const pod = r.pod;
    if (!pod || isWindowsPod(r, pod)) return;
    const podSc = podSecurityContext(r, pod);
    const podType = profileType(r, podSc);
    // An explicit but unsafe type (Unconfined) is seccomp-unconfined's finding.
    if (podType !== undefined) return;
    const missing = pod.containers.filter((c) => profileType(r, containerSecurityContext(r, c)) === undefined);
    if (missing.length === 0) return;
    if (missing.length === pod.containers.length) {
      const anchor = r.view.pair(pod.node, 'securityContext') ?? pod.pair;
      ctx.report({ at: anchor ?? r.anchor, messageId: 'pod' });
      return;
    }
    for (const c of missing) ctx.report({ at: c.anchor, messageId: 'container', data: { name: c.name } });
  },
});

export { CONFINED };
