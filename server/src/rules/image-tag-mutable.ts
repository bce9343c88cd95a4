import { isTemplated, parseImage } from '../k8s/images.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'image-tag-mutable',
    title: 'Image without a fixed tag',
    category: 'images',
    severity: 'warning',
    target: 'container',
    description:
      'An image with no tag, or the `latest` tag, can change under the same name: two nodes can run different code, a rollback goes nowhere, and you cannot tell which build is running.',
    remediation: 'Use a specific version tag (`app:1.4.2`), or better a digest (`app@sha256:...`).',
    messages: {
      noTag:
        'Image `{{image}}` of container "{{name}}" has no tag, so it means `latest`: what runs can change without a change to this file, and rollbacks do nothing. Pin a version tag or a digest.',
      latest:
        'Image `{{image}}` of container "{{name}}" uses the `latest` tag, which moves with every push: nodes can run different builds and rollbacks do nothing. Pin a version tag or a digest.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const p = r.view.pair(c.node, 'image');
      const image = r.view.text(p?.value);
      if (!image || isTemplated(image)) return;
      const ref = parseImage(image);
      if (ref.digest) return;
      if (ref.tag === undefined || ref.tag === '') {
        ctx.report({ at: p, part: 'value', messageId: 'noTag', data: { image, name: c.name } });
      } else if (ref.tag === 'latest') {
        ctx.report({ at: p, part: 'value', messageId: 'latest', data: { image, name: c.name } });
      }
    });
  },
});
