import { defineRule } from '../engine/rule.ts';

export default defineRule({
  meta: {
    id: 'host-aliases',
    title: 'hostAliases overrides name resolution',
    category: 'networking',
    severity: 'info',
    target: 'pod',
    description:
      '`hostAliases` writes entries into the pod\'s /etc/hosts, bypassing cluster DNS. Hard-coded addresses go stale when the target moves, and they can silently send traffic (and credentials) somewhere other than the name suggests.',
    remediation: 'Resolve the name through DNS: a Service, an ExternalName Service, or a DNS record, instead of `hostAliases`.',
    messages: {
      aliases:
        'The pod pins {{count}} host name(s) in /etc/hosts with `hostAliases`, bypassing cluster DNS: the addresses go stale when the targets move, and traffic for those names goes wherever the file says. Prefer a Service or a DNS record.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!r.pod) return;
    const v = r.view;
    const p = v.pair(r.pod.node, 'hostAliases');
    const entries = v.items(p?.value);
    if (!p || entries.length === 0) return;
    const count = entries.reduce((n, e) => n + Math.max(1, v.items(v.get(e, 'hostnames')).length), 0);
    ctx.report({ at: p, messageId: 'aliases', data: { count } });
  },
});
