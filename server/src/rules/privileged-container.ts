import { containerField, containerSecurityContext } from '../k8s/pod.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';
import type { EditBuilder, YamlValue } from '../yaml/edit.ts';
import type { Pair, YAMLMap } from '../yaml/nodes.ts';

export default defineRule({
  meta: {
    id: 'privileged-container',
    title: 'Privileged container',
    category: 'security-context',
    severity: 'error',
    pss: 'baseline',
    target: 'container',
    description:
      'A privileged container gets every capability and every device of the node and runs without the usual isolation, so whoever compromises it controls the node and every pod on it.',
    remediation: 'Remove `privileged: true` (or set it to `false`). If the workload needs one kernel feature, add only that capability.',
    messages: {
      privileged:
        'Container "{{name}}" runs privileged: it has full access to the node\'s devices and kernel, so a compromise of this container is a compromise of the node. Remove `privileged: true` or set it to false.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, _pod, r) => {
      const f = containerField(r, c, 'privileged');
      if (f.value !== true) return;
      const sc = containerSecurityContext(r, c)!;
      const pair = f.pair!;
      const levels = [
        { map: sc, pair },
        { map: c.node, pair: r.view.pair(c.node, 'securityContext') },
      ];
      const remove = removable(levels);
      ctx.report({
        at: pair,
        part: 'value',
        messageId: 'privileged',
        data: { name: c.name },
        fixes: [
          {
            title: `${remove ? 'Remove `privileged: true`' : 'Set `privileged: false`'} (the container loses direct access to host devices and kernel features)`,
            safety: 'suggestion',
            apply: (b) => removeOrSet(b, levels, false),
            // Removing the only setting of a securityContext removes the block, and a container
            // without one is what security-context-missing points out.
            reveals: ['security-context-missing'],
          },
        ],
      });
    });
  },
});

/** One step of the path to a setting: the map and the pair in it (innermost first). */
export interface Level {
  map: YAMLMap | undefined;
  pair: Pair | undefined;
}

/**
 * The pair to delete so that the setting at `levels[0]` goes and no empty map (`securityContext: {}`)
 * is left behind: the setting itself, or the pair of the outermost map it would leave empty.
 * Undefined where that would touch a map written elsewhere (a `<<` merge, an alias) or one that
 * aliases still need (an anchor): the caller then writes the safe value in place.
 */
export function removable(levels: readonly Level[]): { map: YAMLMap; pair: Pair } | undefined {
  for (let i = 0; i < levels.length; i++) {
    const { map, pair } = levels[i]!;
    if (!map || !pair || !map.items.includes(pair)) return undefined;
    if (i > 0 && pair.value !== levels[i - 1]!.map) return undefined;
    if (map.items.length > 1) return { map, pair };
    // The map would be left empty: remove it from its parent instead, unless aliases use it.
    if (map.anchor) return undefined;
  }
  return undefined;
}

/** Deletes the setting (see `removable`), or writes `value` in its place. */
export function removeOrSet(b: EditBuilder, levels: readonly Level[], value: YamlValue): void {
  const target = removable(levels);
  if (target) b.removePair(target.map, target.pair);
  else b.setValue(levels[0]!.pair!, value);
}
