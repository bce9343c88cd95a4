import { securityContexts } from '../k8s/pod.ts';
import { defineRule } from '../engine/rule.ts';
import type { Resource } from '../k8s/resource.ts';
import type { Pair, YAMLMap } from '../yaml/nodes.ts';

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
          fixes: [
            {
              title: 'Use AppArmor profile `RuntimeDefault` (what the default profile denies, such as mounts and writes to /proc and /sys, will fail)',
              safety: 'suggestion',
              apply: (b) => b.setValue(pair, 'RuntimeDefault'),
            },
          ],
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
      const remove = removal(r, annotations, p);
      ctx.report({
        at: p,
        part: 'value',
        messageId: 'annotation',
        data: { container: key.slice(LEGACY_PREFIX.length), value },
        fixes: [
          {
            title: 'Remove the AppArmor annotation (the container gets the runtime\'s default profile)',
            safety: 'suggestion',
            apply: (b) => b.removePair(remove.map, remove.pair),
          },
        ],
      });
    }
  },
});

/**
 * What to delete to drop the annotation `p`: the pair itself, or, where it is the only
 * annotation, the whole `annotations:` key (and a pod template's `metadata:` that holds nothing
 * else), so no `annotations: {}` is left behind. Anchored maps stay, for their aliases.
 */
function removal(r: Resource, annotations: YAMLMap, p: Pair): { map: YAMLMap; pair: Pair } {
  const v = r.view;
  const meta = r.pod!.meta!;
  const annotationsPair = v.pair(meta, 'annotations')!;
  const alone = (map: YAMLMap, pair: Pair) => map.items.length === 1 && map.items[0] === pair && !map.anchor;
  if (!alone(annotations, p) || !meta.items.includes(annotationsPair)) return { map: annotations, pair: p };
  const metaPath = r.workload?.metaPath ?? [];
  const parent = metaPath.length > 1 ? v.map(v.at(r.root, metaPath.slice(0, -1))) : undefined;
  const metaPair = parent ? v.pair(parent, 'metadata') : undefined;
  if (parent && metaPair && parent.items.includes(metaPair) && parent.items.length > 1 && alone(meta, annotationsPair)) {
    return { map: parent, pair: metaPair };
  }
  if (meta.items.length > 1) return { map: meta, pair: annotationsPair };
  return { map: annotations, pair: p };
}
