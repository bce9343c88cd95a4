import { defineRule, forEachContainer } from '../engine/rule.ts';
import type { Container, Resource } from '../k8s/resource.ts';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HOOKS = ['postStart', 'preStop'];
const HANDLERS = ['httpGet', 'tcpSocket'];

export default defineRule({
  meta: {
    id: 'probe-host-override',
    title: 'Probe or hook targets another host',
    category: 'security-context',
    severity: 'warning',
    pss: 'baseline',
    target: 'container',
    description:
      'The kubelet runs probes and lifecycle hooks from the node. A `host` field makes it connect to any address you name, which turns the kubelet into a proxy into networks the pod itself cannot reach.',
    remediation: 'Delete the `host` field; the probe then targets the pod\'s own IP.',
    messages: {
      host:
        'The {{where}} of container "{{name}}" sets `host`, so the kubelet connects from the node to that address instead of the pod; this can reach networks the pod cannot. Delete `host` so it targets the pod IP.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, pod, r) => {
      const v = r.view;
      // The `host` pair may be written once for several probes and hooks (an anchor, a `<<`
      // merge); the fix removes it from all of them, and its title says so.
      const users = new Map<unknown, number>();
      for (const other of pod.containers) {
        for (const { node } of handlersOf(r, other)) {
          for (const handler of HANDLERS) {
            const p = v.pair(v.get(node, handler), 'host');
            if (p) users.set(p, (users.get(p) ?? 0) + 1);
          }
        }
      }
      for (const { node, where, then } of handlersOf(r, c)) {
        for (const handler of HANDLERS) {
          const p = v.pair(v.get(node, handler), 'host');
          if (!p || (v.text(p.value) ?? '') === '') continue;
          const handlerMap = v.map(v.get(node, handler))!;
          const who = (users.get(p) ?? 1) > 1 ? 'every probe and hook that shares it then targets' : then;
          ctx.report({
            at: p,
            messageId: 'host',
            data: { where, name: c.name },
            fixes: [
              {
                // The same request now goes to the container: a check or hook meant for another
                // server usually needs its path or port changed as well.
                title: `Remove \`host: ${v.text(p.value)}\` (${who} the pod's own IP instead; ${handler === 'httpGet' ? 'make sure the container serves that path' : 'make sure the container listens on that port'})`,
                safety: 'suggestion',
                apply: (b) => b.removePair(handlerMap, p),
              },
            ],
          });
        }
      }
    });
  },
});

/** The probes and lifecycle hooks of a container, with how the fix title names each. */
function handlersOf(r: Resource, c: Container): { node: unknown; where: string; then: string }[] {
  const v = r.view;
  const out: { node: unknown; where: string; then: string }[] = [];
  for (const probe of PROBES) out.push({ node: v.get(c.node, probe), where: probe, then: `the ${probe} then checks` });
  for (const hook of HOOKS) out.push({ node: v.at(c.node, ['lifecycle', hook]), where: `${hook} hook`, then: `the ${hook} hook then calls` });
  return out;
}
