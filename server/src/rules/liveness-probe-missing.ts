import { checkMissingProbe } from '../k8s/probes.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'liveness-probe-missing',
    title: 'Liveness probe missing',
    category: 'probes',
    severity: 'warning',
    target: 'container',
    description:
      "Without a liveness probe Kubernetes cannot tell that a running container has hung (a deadlock, an exhausted pool) and never restarts it; the pod stays Running while serving nothing.",
    remediation: "Add a `livenessProbe` that checks something cheap that fails only when a restart would help (an HTTP health endpoint or a TCP check).",
    messages: {
      missing:
        'Container "{{name}}" has no liveness probe, so if it hangs (a deadlock, an exhausted connection pool) Kubernetes never restarts it. Add a `livenessProbe`, for example an HTTP check on a health endpoint.',
    },
  },
  check(ctx) {
    checkMissingProbe(ctx, 'livenessProbe');
  },
});
