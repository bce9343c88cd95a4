import { podSecurityContext } from '../k8s/pod.ts';
import { LATER_SAFE_SYSCTLS, SAFE_SYSCTLS, normalizeSysctl } from '../k8s/security.ts';
import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'unsafe-sysctls',
    title: 'Unsafe sysctl',
    category: 'security-context',
    severity: 'error',
    pss: 'baseline',
    target: 'pod',
    description:
      'Most kernel parameters are shared by every pod on the node. Only a short list is namespaced and safe to set from a pod; any other sysctl can change the node for its neighbours, and the kubelet refuses it unless an administrator allowed it.',
    remediation: 'Remove the sysctl, or ask the cluster administrator to set it on the nodes that need it.',
    messages: {
      unsafe:
        'Sysctl `{{name}}` is not on the Pod Security Standards safe list: it can affect other pods on the node, and the kubelet rejects the pod unless it was allowed explicitly. Remove it or set it on the node instead.',
      spelling:
        'Sysctl `{{name}}` is safe, but Pod Security admission compares names exactly and knows it only as `{{canonical}}`, so baseline admission rejects the pod. Write `{{canonical}}`.',
      later:
        'Sysctl `{{name}}` is on the safe list only from Kubernetes {{version}}; clusters before that reject the pod (KubeGuard checks against Kubernetes 1.34). Remove it until your clusters run {{version}}.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const pod = r.pod;
    if (!pod) return;
    for (const item of r.view.items(r.view.get(podSecurityContext(r, pod), 'sysctls'))) {
      const namePair = r.view.pair(item, 'name');
      const raw = r.view.text(namePair?.value);
      if (raw === undefined) continue;
      const name = normalizeSysctl(raw);
      if (SAFE_SYSCTLS.has(raw.trim())) continue;
      if (SAFE_SYSCTLS.has(name)) {
        // The kubelet accepts `/` as the separator, but Pod Security admission compares names exactly.
        ctx.report({ at: namePair, part: 'value', messageId: 'spelling', data: { name: raw, canonical: name } });
        continue;
      }
      const later = LATER_SAFE_SYSCTLS.get(name);
      ctx.report({
        at: namePair,
        part: 'value',
        messageId: later ? 'later' : 'unsafe',
        data: later ? { name: raw, version: later } : { name: raw },
      });
    }
  },
});
