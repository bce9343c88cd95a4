import { defineRule } from '../engine/rule.ts';

/** A value filled in at deploy time (envsubst `${VAR}`, argocd-vault-plugin `<path:...>`) is not a secret in the file. */
const DEPLOY_TIME_PLACEHOLDER = /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\}|<path:[^<>\s]+>)$/;

export default defineRule({
  meta: {
    id: 'secret-data-in-manifest',
    title: 'Secret values committed in a manifest',
    category: 'secrets',
    severity: 'warning',
    target: 'object',
    description:
      'The values of a Secret manifest are only base64-encoded, which anyone can decode. Committed to Git they are readable by everyone with access to the repository, forever, in its history.',
    remediation:
      'Keep secret values out of Git: use External Secrets, Sealed Secrets, SOPS or your cloud\'s secret manager, and commit only the reference. If this is a test fixture, suppress the finding with a reason.',
    messages: {
      data:
        'Secret "{{name}}" carries values in `data`; base64 is an encoding, not encryption, so anyone who can read this file (or the Git history) has them. Keep the values out of the manifest with External Secrets, Sealed Secrets or SOPS.',
      stringData:
        'Secret "{{name}}" carries values in plain text in `stringData`, so anyone who can read this file (or the Git history) has them. Keep the values out of the manifest with External Secrets, Sealed Secrets or SOPS.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'Secret' || r.group !== '') return;
    const v = r.view;
    for (const field of ['data', 'stringData'] as const) {
      const p = v.pair(r.root, field);
      const hasValue = v.pairs(p?.value).some((e) => {
        const text = (v.text(e.value) ?? '').trim();
        return text !== '' && !DEPLOY_TIME_PLACEHOLDER.test(text);
      });
      if (p && hasValue) ctx.report({ at: p, messageId: field, data: { name: r.name ?? '?' } });
    }
  },
});
