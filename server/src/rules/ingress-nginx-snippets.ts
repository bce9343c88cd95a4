import { defineRule } from '../engine/rule.ts';

const SNIPPET = /^nginx\.ingress\.kubernetes\.io\/[a-z0-9-]*snippets?$/;

export default defineRule({
  meta: {
    id: 'ingress-nginx-snippets',
    title: 'ingress-nginx snippet annotation',
    category: 'networking',
    severity: 'error',
    target: 'object',
    description:
      'Snippet annotations paste raw NGINX configuration into the shared ingress controller. Anyone who can create an Ingress can then read the controller\'s service account token and every TLS secret it holds (CVE-2021-25742, CVE-2025-1974).',
    remediation: 'Replace the snippet with the equivalent dedicated annotation, or with a setting in the controller\'s ConfigMap; keep `allow-snippet-annotations` off.',
    messages: {
      snippet:
        'Annotation `{{annotation}}` of Ingress "{{name}}" injects raw NGINX configuration into the shared ingress controller, which can expose its credentials and every TLS secret it serves (CVE-2021-25742), and ingress-nginx 1.9 and later reject it unless snippets are explicitly allowed. Use a dedicated annotation or the controller ConfigMap instead.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'Ingress') return;
    const v = r.view;
    for (const p of v.pairs(v.get(r.metadata, 'annotations'))) {
      const key = v.keyOf(p);
      if (key && SNIPPET.test(key)) ctx.report({ at: p, messageId: 'snippet', data: { annotation: key, name: r.name ?? '?' } });
    }
  },
});
