import { isTemplated, parseImage } from '../k8s/images.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'image-digest-not-pinned',
    title: 'Image not pinned by digest',
    category: 'images',
    severity: 'off',
    target: 'container',
    description:
      'Even a version tag can be pushed again. Only a digest names exactly one image, so what you reviewed is what runs. Off by default: turn it on where supply-chain guarantees matter.',
    remediation: 'Reference the image by digest (`app:1.4.2@sha256:<digest>`); tools like Renovate keep digests current.',
    messages: {
      unpinned:
        'Image `{{image}}` of container "{{name}}" is not pinned by digest, so the tag can be re-pushed and a different image run without any change here. Add `@sha256:<digest>`.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const p = r.view.pair(c.node, 'image');
      const image = r.view.text(p?.value);
      if (!image || isTemplated(image) || parseImage(image).digest) return;
      ctx.report({ at: p, part: 'value', messageId: 'unpinned', data: { image, name: c.name } });
    });
  },
});
