import { effective, isWindowsPod } from '../k8s/pod.ts';
import type { Container } from '../k8s/resource.ts';
import type { Pair } from '../yaml/nodes.ts';
import { defineRule, forEachContainer } from '../engine/rule.ts';

/** IDs above this are unlikely to belong to a user or group on the node. */
const THRESHOLD = 10000;

const FIELDS = [
  // UID 0 and GID 0 are the stronger findings of run-as-root-user and root-group.
  { field: 'runAsUser', what: 'user', rootRule: 'run-as-root-user' },
  { field: 'runAsGroup', what: 'group', rootRule: 'root-group' },
] as const;

export default defineRule({
  meta: {
    id: 'run-as-high-ids',
    title: 'User or group ID at or below 10000',
    category: 'security-context',
    severity: 'off',
    target: 'container',
    description:
      'Low user and group IDs are the ones the node itself uses: system accounts and the first human users. Without user namespaces, a process that escapes the container keeps its IDs on the host, so a container running as UID 1000 acts as whoever has UID 1000 on the node, with that user\'s files. A container that sets no ID runs with the image\'s, which is usually root or a low ID. Running every container above 10000 keeps an escape from landing on a real host account. This is hardening beyond the Pod Security Standards, so the rule is off by default.',
    remediation:
      'Set `runAsUser` and `runAsGroup` above 10000 in the pod securityContext (or the container\'s, which overrides it), and make sure the image works as that user: files it writes must be writable by the ID or group, for example through `fsGroup`.',
    messages: {
      unset:
        'Container "{{name}}" sets no `{{field}}` (nor does its pod), so it runs with the image\'s {{what}}, usually root or a low ID that may match an account on the node. Set `{{field}}` above 10000.',
      low:
        'Container "{{name}}" runs with {{what}} ID {{id}}, at or below 10000, which may be a real account on the node: a process that escapes the container acts as that account. Use an ID above 10000.',
      lowPod:
        'The pod sets `{{field}}: {{id}}`, at or below 10000, for {{containers}}: that ID may be a real account on the node, and a process that escapes the container acts as it. Use an ID above 10000.',
    },
  },
  check(ctx) {
    // A pod-level value inherited by several containers is reported once, where it is written.
    const inherited = new Map<Pair, { field: string; id: number; containers: Container[] }>();
    forEachContainer(ctx, (c, pod, r) => {
      // Windows pods cannot set either field; they use runAsUserName.
      if (isWindowsPod(r, pod)) return;
      for (const { field, what, rootRule } of FIELDS) {
        const e = effective(r, pod, c, field);
        if (e.from === 'unset') {
          ctx.report({ at: c.anchor, messageId: 'unset', data: { name: c.name, field, what } });
          continue;
        }
        const id = e.value;
        // A string or a negative number is the API server's to reject.
        if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > THRESHOLD) continue;
        if (id === 0 && ctx.isActive(rootRule)) continue;
        if (e.from === 'pod' && e.pair) {
          const entry = inherited.get(e.pair) ?? { field, id, containers: [] };
          entry.containers.push(c);
          inherited.set(e.pair, entry);
          continue;
        }
        ctx.report({ at: e.pair, part: 'value', messageId: 'low', data: { name: c.name, what, id } });
      }
    });
    for (const [pair, { field, id, containers }] of inherited) {
      const names = containers.map((c) => `"${c.name}"`).join(', ');
      const list = containers.length === 1 ? `container ${names}` : `containers ${names}`;
      ctx.report({ at: pair, part: 'value', messageId: 'lowPod', data: { field, id, containers: list } });
    }
  },
});
