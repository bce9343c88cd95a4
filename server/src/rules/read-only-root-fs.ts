import { containerField, isWindowsPod, setContainerField } from '../k8s/pod.ts';
import { defineRule, forEachContainer, type Fix } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'read-only-root-fs',
    title: 'Writable root file system',
    category: 'security-context',
    severity: 'warning',
    target: 'container',
    description:
      'A writable root file system lets an attacker who gets code execution download tools, change binaries and hide persistence inside the container. A read-only root, with emptyDir volumes where the app must write, blocks that.',
    remediation:
      'Set `readOnlyRootFilesystem: true` and mount an emptyDir at each path the application writes to (such as /tmp). Test it: an application that writes elsewhere will fail.',
    messages: {
      unset:
        'Container "{{name}}" has a writable root file system, so an attacker with code execution can drop tools and change binaries inside it. Set `readOnlyRootFilesystem: true` and mount an emptyDir where the app writes (such as /tmp).',
      disabled:
        'Container "{{name}}" sets `readOnlyRootFilesystem: false`, so an attacker with code execution can drop tools and change binaries inside it. Set it to true and mount an emptyDir where the app writes.',
      notBoolean:
        'Container "{{name}}" sets `readOnlyRootFilesystem` to {{value}}, which is not the boolean true (a quoted "true" is a string), so the API server rejects the manifest. Write `readOnlyRootFilesystem: true` without quotes.',
    },
  },
  check(ctx) {
    forEachContainer(ctx, (c, pod, r) => {
      if (isWindowsPod(r, pod)) return;
      const f = containerField(r, c, 'readOnlyRootFilesystem');
      if (f.value === true) return;
      const fixes: Fix[] = [
        {
          title: 'Set `readOnlyRootFilesystem: true` (writes outside mounted volumes will fail: mount an emptyDir where the app writes)',
          safety: 'suggestion',
          apply: setContainerField(c, 'readOnlyRootFilesystem', true),
        },
      ];
      if (f.from === 'unset') ctx.report({ at: c.anchor, messageId: 'unset', data: { name: c.name }, fixes });
      else if (f.value === false) ctx.report({ at: f.pair, part: 'value', messageId: 'disabled', data: { name: c.name }, fixes });
      else ctx.report({ at: f.pair, part: 'value', messageId: 'notBoolean', data: { name: c.name, value: written(f.value) }, fixes });
    });
  },
});

/** How a non-boolean value reads in a message: a string in quotes, a map or list by its kind. */
function written(value: unknown): string {
  return value === undefined ? 'a map or list' : JSON.stringify(value);
}
