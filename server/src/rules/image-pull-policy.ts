import { parseImage } from '../k8s/images.ts';
import { defineRule, forEachContainer, type Fix } from '../engine/rule.ts';

const RISK_TAG =
  'a node may run a stale cached image, and pods without registry credentials can use private images already on the node';
const RISK_DIGEST = 'pods without registry credentials can use the image once it is cached on the node, even if it is private';

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
        'Container "{{name}}" uses pull policy `{{policy}}`, so {{risk}}. Set `imagePullPolicy: Always`.',
      unset:
        'Container "{{name}}" does not set `imagePullPolicy`; for {{image}} that means `IfNotPresent`, so {{risk}}. Set `imagePullPolicy: Always`.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const p = r.view.pair(c.node, 'imagePullPolicy');
      const policy = r.view.text(p?.value);
      if (policy === 'Always') return;
      const ref = parseImage(r.view.text(r.view.get(c.node, 'image')) ?? '');
      // A digest names fixed content: a cached copy cannot be stale, but it is still usable without credentials.
      const risk = ref.digest ? RISK_DIGEST : RISK_TAG;
      // A suggestion, never fix-all: pods then depend on the registry (and their pull credentials)
      // at every start, and a re-pushed tag is picked up; `Never` usually means a preloaded image.
      const effect =
        policy === 'Never'
          ? 'pods then pull the image at every start and fail if it exists only on the nodes'
          : ref.digest
            ? 'every pod start then checks the registry and fails while it is unreachable or the pod lacks pull credentials'
            : 'every pod start then checks the registry, fails while it is unreachable, and picks up a re-pushed tag';
      const fixes: Fix[] = [
        {
          title: `Set \`imagePullPolicy: Always\` (${effect})`,
          safety: 'suggestion',
          apply: (b) => (p ? b.setValue(p, 'Always') : b.addPair(c.node, 'imagePullPolicy', 'Always')),
        },
      ];
      if (p && policy !== undefined) {
        ctx.report({ at: p, part: 'value', messageId: 'policy', data: { name: c.name, policy, risk }, fixes });
        return;
      }
      // Unset means Always for untagged and `latest` images.
      if (!ref.digest && (ref.tag === undefined || ref.tag === 'latest')) return;
      const image = ref.digest ? 'an image pinned by digest' : 'a tagged image';
      ctx.report({ at: c.anchor, messageId: 'unset', data: { name: c.name, image, risk }, fixes });
    });
  },
});
