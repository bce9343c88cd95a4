import { Scalar } from 'yaml';
import { credentialKind, isPlaceholderValue, isSecretName } from '../k8s/secrets.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

/**
 * An absolute path under a usual root directory names a file (`GOOGLE_APPLICATION_CREDENTIALS`,
 * `PWD`), it does not hold the secret. Only the name-based check trusts this; a value that
 * matches a credential pattern is reported whatever it starts with.
 */
const FILE_PATH = /^\/(?:etc|var|run|secrets?|vault|mnt|app|home|tmp|opt|usr|srv|data|config|certs?|keys?|workspace)(?:\/[^\s]*)?$/;

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
        'Environment variable `{{env}}` of container "{{name}}" holds a literal value that looks like {{kind}}; anyone who can read this manifest or the object in the cluster can use it. Move it to a Secret, reference it with `valueFrom.secretKeyRef`, and rotate it.',
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
        // A block scalar starts with its `|` or `>` header: underline `value: |` rather than one character.
        const block = v.scalarNode(valuePair?.value);
        const part = block?.type === Scalar.BLOCK_LITERAL || block?.type === Scalar.BLOCK_FOLDED ? 'pair' : 'value';
        if (kind) ctx.report({ at: valuePair, part, messageId: 'value', data: { env, name: c.name, kind } });
        else if (isSecretName(env) && !FILE_PATH.test(value.trim())) {
          ctx.report({ at: valuePair, part, messageId: 'name', data: { env, name: c.name } });
        }
      }
    });
  },
});
