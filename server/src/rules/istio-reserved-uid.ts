import { containerSecurityContext, effective, podSecurityContext } from '../k8s/pod.ts';
import { defineRule } from '../engine/rule.ts';

/** The UID Istio's sidecar runs as; its traffic redirection lets this UID's traffic through untouched. */
const PROXY_UID = 1337;

/** Istio's own containers, which run as the proxy UID by design. */
const ISTIO_CONTAINERS = new Set(['istio-proxy', 'istio-init', 'istio-validation']);

export default defineRule({
  meta: {
    id: 'istio-reserved-uid',
    title: 'Container runs as the Istio proxy UID',
    category: 'networking',
    severity: 'warning',
    target: 'container',
    description:
      'Istio\'s sidecar runs as UID 1337, and the iptables rules that send a pod\'s traffic through the sidecar let that UID\'s traffic pass untouched, so the proxy does not loop back to itself. An application container running as 1337 therefore bypasses the sidecar: its outgoing connections skip mutual TLS, egress and authorization policies, and telemetry. The rule looks at each container\'s effective `runAsUser` (the container\'s own value, else the pod\'s) and leaves Istio\'s own containers (`istio-proxy`, `istio-init`, `istio-validation`) alone. Init containers (other than native sidecars) are not reported either: they run before the sidecar is up, and running them as 1337 is Istio\'s documented workaround for init containers that need the network.',
    remediation: 'Run the application as another non-root UID (`runAsUser`), and make sure the image does not depend on UID 1337.',
    messages: {
      container:
        'Container "{{name}}" runs as UID 1337, the UID of the Istio sidecar: the mesh lets traffic from that UID bypass the sidecar, so it skips mutual TLS and mesh policies. Use another non-root UID.',
      pod: 'The pod runs {{containers}} as UID 1337 (`runAsUser` in the pod securityContext), the UID of the Istio sidecar: the mesh lets traffic from that UID bypass the sidecar, so it skips mutual TLS and mesh policies. Use another non-root UID.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const pod = r.pod;
    if (!pod) return;
    const v = r.view;
    const inheriting: string[] = [];
    for (const c of pod.containers) {
      // Init containers run before the sidecar does; 1337 is Istio's documented way to give them the network.
      if (ISTIO_CONTAINERS.has(c.name) || (c.list === 'initContainers' && !c.isSidecar)) continue;
      const e = effective(r, pod, c, 'runAsUser');
      if (e.value !== PROXY_UID) continue;
      if (e.from === 'pod') {
        inheriting.push(`container "${c.name}"`);
        continue;
      }
      const own = v.pair(containerSecurityContext(r, c), 'runAsUser');
      ctx.report({ at: own, part: 'value', messageId: 'container', data: { name: c.name } });
    }
    if (inheriting.length > 0) {
      const podUser = v.pair(podSecurityContext(r, pod), 'runAsUser');
      const containers = inheriting.length === 1 ? inheriting[0]! : `${inheriting.slice(0, -1).join(', ')} and ${inheriting[inheriting.length - 1]}`;
      ctx.report({ at: podUser, part: 'value', messageId: 'pod', data: { containers } });
    }
  },
});
