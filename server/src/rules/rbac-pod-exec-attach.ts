import { coversCoreGroup, isRole, rulesOf } from '../k8s/rbac.ts';
import { defineRule } from '../engine/rule.ts';

const VERBS = ['create', 'get', '*'];
const RESOURCES = ['pods/exec', 'pods/attach'];

export default defineRule({
  meta: {
    id: 'rbac-pod-exec-attach',
    title: 'Role can exec into pods',
    category: 'rbac',
    severity: 'warning',
    target: 'object',
    description:
      '`pods/exec` and `pods/attach` open a shell in running containers: the subject can read their files, environment and mounted Secrets and act with their service account. It is as powerful as the most privileged pod it can reach.',
    remediation: 'Keep exec for humans in break-glass roles; workloads and CI rarely need it. Remove the `pods/exec`/`pods/attach` resource.',
    messages: {
      exec:
        '{{kind}} "{{name}}" grants `{{resource}}`, which opens a shell in running containers: their files, environment, mounted Secrets and service account come with it. Remove it unless this role is for break-glass human access.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!isRole(r)) return;
    for (const rule of rulesOf(r)) {
      if (!coversCoreGroup(rule) || !rule.verbs.some((v) => VERBS.includes(v))) continue;
      for (const res of rule.resources) {
        if (!RESOURCES.includes(res.text)) continue;
        ctx.report({ at: res.node, messageId: 'exec', data: { kind: r.kind, name: r.name ?? '?', resource: res.text } });
      }
    }
  },
});
