import { parseImage } from '../k8s/images.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'image-pull-policy',
    title: 'Image pull policy is not Always',
    category: 'images',
    severity: 'off',
    target: 'container',
    description:
      'With `IfNotPresent` a node reuses whatever image it cached under that name, and any pod on the node can use a private image another pod already pulled, without registry credentials. `Always` re-checks the registry (cheaply, by digest) at every start. Off by default.',
    remediation: 'Set `imagePullPolicy: Always`.',
    messages: {
      policy:
        'Container "{{name}}" uses pull policy `{{policy}}`, so a node may run a stale cached image, and pods without registry credentials can use private images already on the node. Set `imagePullPolicy: Always`.',
      unset:
        'Container "{{name}}" does not set `imagePullPolicy`; for a tagged image that means `IfNotPresent`, so a node may run a stale cached image. Set `imagePullPolicy: Always`.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const p = r.view.pair(c.node, 'imagePullPolicy');
      const policy = r.view.text(p?.value);
      if (policy === 'Always') return;
      if (p && policy !== undefined) {
        ctx.report({ at: p, part: 'value', messageId: 'policy', data: { name: c.name, policy } });
        return;
      }
      // Unset means Always for untagged and `latest` images.
      const ref = parseImage(r.view.text(r.view.get(c.node, 'image')) ?? '');
      if (!ref.digest && (ref.tag === undefined || ref.tag === 'latest')) return;
      ctx.report({ at: c.anchor, messageId: 'unset', data: { name: c.name } });
    });
  },
});
