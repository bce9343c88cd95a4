import { securityContexts } from '../k8s/pod.ts';
import { defineRule } from '../engine/rule.ts';

const ALLOWED_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const LEGACY_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

export default defineRule({
  meta: {
    id: 'apparmor-override',
    title: 'AppArmor profile overridden',
    category: 'security-context',
    severity: 'error',
    pss: 'baseline',
    target: 'pod',
    description:
      'The runtime\'s default AppArmor profile stops a container from writing to /proc and /sys, mounting file systems and other escape steps. Setting the profile to `Unconfined` removes that protection.',
    remediation: 'Use `appArmorProfile.type: RuntimeDefault` (or a `Localhost` profile), or delete the override.',
    messages: {
      field:
        'AppArmor is turned off for this {{scope}} (`type: {{type}}`), removing the default protection against writes to /proc and /sys and other container-escape steps. Use `RuntimeDefault` or a `Localhost` profile.',
      pod: 'AppArmor is turned off for the pod (`type: {{type}}`), so every container without a profile of its own loses the default protection against writes to /proc and /sys and other container-escape steps. Use `RuntimeDefault` or a `Localhost` profile.',
      annotation:
        'The AppArmor annotation for container "{{container}}" is `{{value}}`, which turns off the runtime\'s default profile and its protection against container-escape steps. Use `runtime/default` or `localhost/<profile>` (or the `appArmorProfile` field).',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const v = r.view;
    const pod = r.pod;
    if (!pod) return;
    for (const { sc, scope } of securityContexts(r, pod)) {
      const typePair = v.pair(v.get(sc, 'appArmorProfile'), 'type');
      const type = v.str(typePair?.value);
      if (type !== undefined && !ALLOWED_TYPES.has(type)) {
        const pair = typePair!;
        ctx.report({
          at: pair,
          part: 'value',
          messageId: scope === 'pod' ? 'pod' : 'field',
          data: { scope, type },
          fixes: [{ title: 'Use AppArmor profile `RuntimeDefault`', safety: 'suggestion', apply: (b) => b.setValue(pair, 'RuntimeDefault') }],
        });
      }
    }
    for (const p of v.pairs(v.get(pod.meta, 'annotations'))) {
      const key = v.keyOf(p);
      if (!key?.startsWith(LEGACY_PREFIX)) continue;
      const value = v.text(p.value) ?? '';
      // An empty value leaves the runtime default in place; Pod Security admission accepts it too.
      if (value === '' || value === 'runtime/default' || value.startsWith('localhost/')) continue;
      const annotations = v.map(v.get(pod.meta, 'annotations'))!;
      ctx.report({
        at: p,
        part: 'value',
        messageId: 'annotation',
        data: { container: key.slice(LEGACY_PREFIX.length), value },
        fixes: [
          { title: 'Remove the AppArmor annotation (the container gets the runtime\'s default profile)', safety: 'suggestion', apply: (b) => b.removePair(annotations, p) },
        ],
      });
    }
  },
});
