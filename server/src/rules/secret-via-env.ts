import { defineRule, forEachContainer } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'secret-via-env',
    title: 'Secret exposed as environment variables',
    category: 'secrets',
    severity: 'off',
    target: 'container',
    description:
      'Secrets in environment variables end up in crash dumps, debug endpoints and child processes, and do not change when the Secret is rotated. Mounted as files they can be read only where needed and are updated in place. Off by default: many applications take configuration only from the environment.',
    remediation: 'Mount the Secret as a volume and read the file, where the application allows it.',
    messages: {
      key: 'Container "{{name}}" reads Secret "{{secret}}" into an environment variable, where it leaks into crash dumps and child processes and is not updated when the Secret rotates. Mount it as a file if the application can read one.',
      from: 'Container "{{name}}" loads every key of Secret "{{secret}}" into its environment, where they leak into crash dumps and child processes and are not updated when the Secret rotates. Mount it as files if the application can read them.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const v = r.view;
      for (const e of v.items(v.get(c.node, 'env'))) {
        const ref = v.pair(v.get(e, 'valueFrom'), 'secretKeyRef');
        if (ref) ctx.report({ at: ref, messageId: 'key', data: { name: c.name, secret: v.text(v.get(ref.value, 'name')) ?? '?' } });
      }
      for (const e of v.items(v.get(c.node, 'envFrom'))) {
        const ref = v.pair(e, 'secretRef');
        if (ref) ctx.report({ at: ref, messageId: 'from', data: { name: c.name, secret: v.text(v.get(ref.value, 'name')) ?? '?' } });
      }
    });
  },
});
