import { containerSecurityContext, effective, podSecurityContext, setContainerField } from '../k8s/pod.ts';
import type { Container, Resource } from '../k8s/resource.ts';
import type { Pair } from '../yaml/nodes.ts';
import type { EditBuilder } from '../yaml/edit.ts';
import { defineRule, forEachContainer, type Fix, type ObjectContext } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'run-as-non-root',
    title: 'Container may run as root',
    category: 'security-context',
    severity: 'warning',
    pss: 'restricted',
    target: 'container',
    description:
      'Without `runAsNonRoot: true` the kubelet starts the container as whatever user the image names, which is root for most images. Root in a container is one kernel bug away from root on the node.',
    remediation:
      'Set `runAsNonRoot: true` in the pod securityContext (or the container\'s), and make sure the image runs as a non-zero user (`runAsUser`).',
    messages: {
      mayRunAsRoot:
        'Container "{{name}}" may run as root: neither it nor the pod sets `runAsNonRoot: true` or a non-zero `runAsUser`, so it runs as the image\'s user, which is root for most images. Set `runAsNonRoot: true` in the securityContext.',
      explicitFalse:
        'Container "{{name}}" has `runAsNonRoot: false`, so it may run as root, which turns any container escape into root on the node. Set it to true and run the image as a non-zero user.',
      onlyAdmission:
        'Container "{{name}}" runs as user {{uid}} but does not set `runAsNonRoot: true`; it does not run as root, but the restricted Pod Security admission rejects pods without that field. Add `runAsNonRoot: true`.',
      onlyAdmissionFalse:
        'Container "{{name}}" runs as user {{uid}} but has `runAsNonRoot: false`; it does not run as root, but the restricted Pod Security admission rejects pods unless the field is true. Set `runAsNonRoot: true`.',
      podFalseOverridden:
        'The pod sets `runAsNonRoot: false`, and every container overrides it with its own `runAsNonRoot`, so no container runs with this value; the restricted Pod Security admission still rejects the pod for it. Set it to true (nothing changes at run time).',
      rootUser:
        'Container "{{name}}" runs as user 0 (root) and `runAsNonRoot` is not true, so a container escape becomes root on the node. Use a non-zero `runAsUser` and set `runAsNonRoot: true`.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, pod, r) => {
      const nonRoot = effective(r, pod, c, 'runAsNonRoot');
      if (nonRoot.value === true) return;
      const user = effective(r, pod, c, 'runAsUser');
      if (user.value === 0) {
        // runAsUser: 0 is the run-as-root-user rule's finding, and a stronger one.
        if (ctx.isActive('run-as-root-user')) return;
        ctx.report({ at: user.pair, part: 'value', messageId: 'rootUser', data: { name: c.name } });
        return;
      }
      // Where the effective value comes from is where the fix writes. A `runAsNonRoot` merged in
      // from the pod's own securityContext (an anchor) is written there, so it is the pod's.
      const podSc = podSecurityContext(r, pod);
      const onPod = nonRoot.pair ? podSc?.items.includes(nonRoot.pair) === true || nonRoot.from === 'pod' : user.from !== 'container';
      const setNonRoot = (b: EditBuilder) => {
        if (nonRoot.pair) b.setValue(nonRoot.pair, true);
        else if (user.from === 'container') setContainerField(c, 'runAsNonRoot', true)(b);
        else b.setIn(pod.node, ['securityContext', 'runAsNonRoot'], true);
      };
      const where = onPod ? 'the pod' : 'the container';
      if (typeof user.value === 'number' && user.value > 0) {
        // Not root, whatever runAsNonRoot says: only restricted admission objects.
        // It already runs as a non-root UID: stating so changes nothing at run time, as long as the
        // value lands only on containers that run as non-zero UIDs. Written on the pod it reaches
        // every container that does not set runAsNonRoot itself; if one of those may run as root,
        // the kubelet would refuse to start it, so the fix writes on this container instead.
        const podIsSafe = pod.containers.every((o) => {
          if (ownPair(r, o) !== undefined) return true;
          const uid = effective(r, pod, o, 'runAsUser').value;
          return typeof uid === 'number' && uid > 0;
        });
        const here = onPod && !podIsSafe;
        const fixes: Fix[] = [
          {
            title: `Set \`runAsNonRoot: true\` on ${here ? 'the container' : where} (it already runs as UID ${user.value})`,
            safety: 'safe',
            apply: here ? setOnContainer(r, c) : setNonRoot,
          },
        ];
        if (nonRoot.value === false && nonRoot.pair) {
          ctx.report({
            at: nonRoot.pair,
            part: 'value',
            messageId: 'onlyAdmissionFalse',
            data: { name: c.name, uid: user.value },
            severity: 'info',
            fixes,
          });
        } else {
          ctx.report({ at: c.anchor, messageId: 'onlyAdmission', data: { name: c.name, uid: user.value }, severity: 'info', fixes });
        }
        return;
      }
      const fixes: Fix[] = [
        {
          title: `Set \`runAsNonRoot: true\` on ${where} (the kubelet then refuses to start an image that runs as root: check that it has a non-root USER)`,
          safety: 'suggestion',
          apply: setNonRoot,
        },
      ];
      if (nonRoot.value === false && nonRoot.pair) {
        ctx.report({ at: nonRoot.pair, part: 'value', messageId: 'explicitFalse', data: { name: c.name }, fixes });
      } else {
        ctx.report({ at: c.anchor, messageId: 'mayRunAsRoot', data: { name: c.name }, fixes });
      }
    });
    reportOverriddenPodFalse(ctx);
  },
});

/**
 * A pod-level `runAsNonRoot: false` that every container overrides: no container runs with it,
 * but Pod Security admission checks the pod-level field on its own and rejects the pod. When a
 * container inherits the value, that container's finding is already at this place; say nothing
 * more. Setting it to true changes nothing at run time, since every container decides for itself.
 */
function reportOverriddenPodFalse(ctx: ObjectContext): void {
  const r = ctx.resource;
  const pod = r.pod;
  if (!pod || pod.containers.length === 0) return;
  const podPair = r.view.pair(podSecurityContext(r, pod), 'runAsNonRoot');
  if (!podPair || r.view.value(podPair.value) !== false) return;
  // Through an alias or a merge key a container may reach the pod's own pair: that is inheriting.
  const overridden = pod.containers.every((c) => {
    const own = effective(r, pod, c, 'runAsNonRoot');
    return own.from === 'container' && own.pair !== podPair;
  });
  if (!overridden) return;
  ctx.report({
    at: podPair,
    part: 'value',
    messageId: 'podFalseOverridden',
    severity: 'info',
    fixes: [
      {
        title: 'Set `runAsNonRoot: true` on the pod (every container sets its own value, so nothing changes at run time)',
        safety: 'safe',
        apply: (b) => b.setValue(podPair, true),
      },
    ],
  });
}

/** The container's own `runAsNonRoot` pair (not one merged in from elsewhere). */
function ownPair(r: Resource, c: Container): Pair | undefined {
  const sc = containerSecurityContext(r, c);
  return (sc?.items as Pair[] | undefined)?.find((p) => r.view.keyOf(p) === 'runAsNonRoot');
}

/** Writes `runAsNonRoot: true` in the container's own securityContext; an own key overrides a merged one. */
function setOnContainer(r: Resource, c: Container): (b: EditBuilder) => void {
  return (b) => {
    const own = ownPair(r, c);
    const sc = containerSecurityContext(r, c);
    if (own) b.setValue(own, true);
    else if (sc && (sc.items.length > 0 || sc.flow)) b.addPair(sc, 'runAsNonRoot', true);
    else b.setIn(c.node, ['securityContext', 'runAsNonRoot'], true);
  };
}
