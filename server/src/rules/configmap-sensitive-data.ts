import { Scalar } from 'yaml';
import { credentialKind, isLiteralSecret, isSecretName, secretSetting } from '../k8s/secrets.ts';
import { defineRule } from '../engine/rule.ts';

/** A key named like a structured file holds settings; its name says nothing about a single value. */
const CONFIG_FILE = /\.(?:ya?ml|json|conf|cfg|cnf|ini|toml|xml|properties|env|sh|hcl|tf|lua|js|py|rb)$/i;

export default defineRule({
  meta: {
    id: 'configmap-sensitive-data',
    title: 'Credential in a ConfigMap',
    category: 'secrets',
    severity: 'error',
    target: 'object',
    description:
      'ConfigMaps are for configuration that anyone may read: they are stored and shown in plain text, many more people and tools can read them than Secrets, and they are not encrypted at rest even where Secrets are. A password, token or private key in a ConfigMap (or in a configuration file it carries) is readable by all of them and by everyone with the Git repository. The rule looks at each `data` key: values that look like a credential (a private key, an AWS, GitHub, Slack, Stripe or Google key, a JSON Web Token, a URL or connection string with a password), a value under a key named like a secret (`db_password`, `api_key`, `token`), and settings named like a secret inside a configuration file (`REDIS_PASSWORD=...`, `spring.datasource.password=...`). Empty values, booleans, numbers, paths, variables (`${DB_PASSWORD}`) and marked placeholders (`<changeme>`) are left alone.',
    remediation:
      'Move the value to a Secret and reference that instead: `secretKeyRef` or `envFrom.secretRef` for environment variables, a Secret volume for files, or a variable the application substitutes into the configuration file. Then rotate the credential, since it is already exposed.',
    messages: {
      value:
        'Key `{{key}}` of ConfigMap "{{name}}" holds what looks like {{kind}}, in plain text for anyone who may read the ConfigMap or this file. Move it to a Secret, reference that instead, and rotate it.',
      name:
        'Key `{{key}}` of ConfigMap "{{name}}" is named like a secret and holds a value written out in plain text, readable by anyone who may read the ConfigMap or this file. Move it to a Secret and reference that instead.',
      setting:
        'Key `{{key}}` of ConfigMap "{{name}}" sets `{{setting}}` to a value written out in plain text, readable by anyone who may read the ConfigMap or this file. Move the value to a Secret (mounted, or substituted from an environment variable) and reference it from the configuration.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'ConfigMap' || r.group !== '') return;
    const v = r.view;
    for (const pair of v.pairs(v.get(r.root, 'data'))) {
      const key = v.keyOf(pair);
      const value = v.text(pair.value);
      if (key === undefined || value === undefined) continue;
      // A block scalar starts with its `|` or `>` header: underline `key: |` rather than one character.
      const block = v.scalarNode(pair.value);
      const part = block?.type === Scalar.BLOCK_LITERAL || block?.type === Scalar.BLOCK_FOLDED ? 'pair' : 'value';
      const data = { key, name: r.name ?? '?' };
      const kind = credentialKind(value);
      if (kind) {
        ctx.report({ at: pair, part, messageId: 'value', data: { ...data, kind } });
        continue;
      }
      const oneLine = !value.trim().includes('\n');
      if (oneLine && !CONFIG_FILE.test(key) && isSecretName(key) && isLiteralSecret(value)) {
        ctx.report({ at: pair, part, messageId: 'name', data });
        continue;
      }
      const setting = secretSetting(value);
      if (setting) ctx.report({ at: pair, part, messageId: 'setting', data: { ...data, setting } });
    }
  },
});
