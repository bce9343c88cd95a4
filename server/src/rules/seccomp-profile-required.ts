import { containerSecurityContext, isWindowsPod, podSecurityContext, setPodField } from '../k8s/pod.ts';
import type { Container, Resource } from '../k8s/resource.ts';
import { defineRule, type Fix } from '../engine/rule.ts';
import type { Pair, YAMLMap } from '../yaml/nodes.ts';

const CONFINED = new Set(['RuntimeDefault', 'Localhost']);

function typePair(r: Resource, sc: YAMLMap | undefined): Pair | undefined {
  return r.view.pair(r.view.get(sc, 'seccompProfile'), 'type');
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
      podUnconfined:
        'The pod sets seccomp type `{{type}}`, which filters no system calls: every container without a profile of its own can make any of them, including the rare ones most kernel exploits use, and restricted admission rejects the pod. Use `RuntimeDefault`.',
      containerUnconfined:
        'Container "{{name}}" sets seccomp type `{{type}}`, which filters no system calls, so it can make any of them, including the rare ones most kernel exploits use. Use `RuntimeDefault`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const v = r.view;
    const pod = r.pod;
    if (!pod || isWindowsPod(r, pod)) return;
    // A type that is set but not confined (Unconfined) is seccomp-unconfined's finding while that
    // rule is on; with it off, this rule reports it, so the pod is not silently accepted.
    const deferUnconfined = ctx.isActive('seccomp-unconfined');
    const podTypePair = typePair(r, podSecurityContext(r, pod));
    const podType = v.str(podTypePair?.value);
    const podProblem = podType === undefined ? 'missing' : !CONFINED.has(podType) && !deferUnconfined ? 'unconfined' : undefined;

    const inheriting: Container[] = [];
    const own: { c: Container; pair: Pair; type: string }[] = [];
    for (const c of pod.containers) {
      const pair = typePair(r, containerSecurityContext(r, c));
      const type = v.str(pair?.value);
      if (type === undefined) {
        if (podProblem === 'missing') inheriting.push(c);
      } else if (!CONFINED.has(type) && !deferUnconfined) {
        own.push({ c, pair: pair!, type });
      }
    }

    // RuntimeDefault on the pod covers every container without a profile of its own. Unset means
    // Unconfined (unless the kubelet runs with --seccomp-default), so this changes what the
    // containers may do, as Unconfined -> RuntimeDefault does.
    // A pod profile that names a `localhostProfile` but no type wants `Localhost` (the API server
    // refuses a `localhostProfile` next to any other type).
    const namesLocalhost = podType === undefined && v.has(v.get(podSecurityContext(r, pod), 'seccompProfile'), 'localhostProfile');
    const podFix: Fix[] = [
      namesLocalhost
        ? {
            title: 'Set seccomp type `Localhost` (the profile named in `localhostProfile` then applies: system calls it blocks will fail)',
            safety: 'suggestion',
            apply: setPodField(pod, ['seccompProfile', 'type'], 'Localhost'),
          }
        : {
            title: 'Add `seccompProfile: {type: RuntimeDefault}` to the pod securityContext (system calls the runtime blocks by default will fail)',
            safety: 'suggestion',
            apply: setPodField(pod, ['seccompProfile', 'type'], 'RuntimeDefault'),
          },
    ];
    const toRuntimeDefault = (pair: Pair): Fix[] => [
      { title: 'Use seccomp type `RuntimeDefault` (system calls the runtime blocks by default will fail)', safety: 'suggestion', apply: (b) => b.setValue(pair, 'RuntimeDefault') },
    ];
    if (podProblem === 'unconfined') {
      // Restricted admission rejects the pod-level value even where every container overrides it.
      ctx.report({ at: podTypePair, part: 'value', messageId: 'podUnconfined', data: { type: podType! }, fixes: toRuntimeDefault(podTypePair!) });
    } else if (inheriting.length > 0 && inheriting.length === pod.containers.length) {
      const anchor = v.pair(pod.node, 'securityContext') ?? pod.pair;
      ctx.report({ at: anchor ?? r.anchor, messageId: 'pod', fixes: podFix });
    } else {
      for (const c of inheriting) ctx.report({ at: c.anchor, messageId: 'container', data: { name: c.name }, fixes: podFix });
    }
    for (const { c, pair, type } of own) {
      ctx.report({ at: pair, part: 'value', messageId: 'containerUnconfined', data: { name: c.name, type }, fixes: toRuntimeDefault(pair) });
    }
  },
});

export { CONFINED };
