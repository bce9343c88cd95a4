import { credentialKind, isPlaceholderValue, isSecretName } from '../k8s/secrets.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'secret-in-env-literal',
    title: 'Secret written into an environment variable',
    category: 'secrets',
    severity: 'error',
    target: 'container',
    description:
      'A literal `value` in `env` is stored in the workload object in plain text: everyone who can read the Deployment (or the Git repository) can read it, it shows in `kubectl describe`, and rotating it means a new rollout.',
    remediation: 'Put the value in a Secret and reference it with `valueFrom.secretKeyRef`; rotate the exposed credential.',
    messages: {
      name:
        'Environment variable `{{env}}` of container "{{name}}" holds a literal value that looks like a secret; anyone who can read this manifest or the object in the cluster can read it. Move it to a Secret and use `valueFrom.secretKeyRef`.',
      value:
        'Environment variable `{{env}}` of container "{{name}}" holds what looks like {{kind}} in plain text; anyone who can read this manifest or the object in the cluster can use it. Move it to a Secret, reference it with `valueFrom.secretKeyRef`, and rotate it.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const v = r.view;
      for (const entry of v.items(v.get(c.node, 'env'))) {
        const valuePair = v.pair(entry, 'value');
        const value = v.text(valuePair?.value);
        if (value === undefined || isPlaceholderValue(value)) continue;
        const env = v.text(v.get(entry, 'name')) ?? '?';
        const kind = credentialKind(value);
        if (kind) ctx.report({ at: valuePair, part: 'value', messageId: 'value', data: { env, name: c.name, kind } });
        else if (isSecretName(env)) ctx.report({ at: valuePair, part: 'value', messageId: 'name', data: { env, name: c.name } });
      }
    });
  },
});
