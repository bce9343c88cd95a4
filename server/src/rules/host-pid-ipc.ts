import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'host-pid-ipc',
    title: 'Host PID or IPC namespace',
    category: 'host',
    severity: 'error',
    pss: 'baseline',
    target: 'pod',
    description:
      '`hostPID` lets the pod see and signal every process on the node, and read their environment (with its secrets); `hostIPC` lets it read shared memory of processes outside the pod.',
    remediation: 'Delete `hostPID: true` and `hostIPC: true`.',
    messages: {
      hostPID:
        'The pod shares the node\'s process namespace: it can see every process on the node, read their environment variables and signal them. Remove `hostPID: true`.',
      hostIPC:
        'The pod shares the node\'s IPC namespace, so it can read and write the shared memory of processes outside the pod. Remove `hostIPC: true`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!r.pod) return;
    for (const key of ['hostPID', 'hostIPC'] as const) {
      const p = r.view.pair(r.pod.node, key);
      if (!p || !r.view.isTrue(p.value)) continue;
      const spec = r.pod.node;
      // `yes` and `True` mean true too: the title quotes what is written.
      const written = r.view.scalarNode(p.value)?.source ?? 'true';
      ctx.report({
        at: p,
        part: 'value',
        messageId: key,
        fixes: [{ title: `Remove \`${key}: ${written}\` (the pod stops seeing the node's ${key === 'hostPID' ? 'processes' : 'shared memory'})`, safety: 'suggestion', apply: (b) => b.removePair(spec, p) }],
      });
    }
  },
});
