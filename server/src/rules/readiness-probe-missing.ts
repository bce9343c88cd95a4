import { checkMissingProbe } from '../k8s/probes.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'readiness-probe-missing',
    title: 'Readiness probe missing',
    category: 'probes',
    severity: 'warning',
    target: 'container',
    description:
      "Without a readiness probe a pod receives Service traffic as soon as its process starts, before it can answer, and keeps receiving it while it is overloaded or shutting down: users see errors on every rollout.",
    remediation: "Add a `readinessProbe` that succeeds only when the application can serve requests.",
    messages: {
      missing:
        'Container "{{name}}" has no readiness probe, so Services send it traffic before it is ready and during overload, which shows up as errors on every rollout. Add a `readinessProbe` that passes only when it can serve.',
    },
  },
  check(ctx) {
    checkMissingProbe(ctx, 'readinessProbe');
  },
});
