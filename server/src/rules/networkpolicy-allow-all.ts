import { defineRule } from '../engine/rule.ts';

const ANYWHERE = new Set(['0.0.0.0/0', '::/0']);

export default defineRule({
  meta: {
    id: 'networkpolicy-allow-all',
    title: 'NetworkPolicy rule that allows everything',
    category: 'networking',
    severity: 'warning',
    target: 'object',
    description:
      'An empty rule (`- {}`) or a peer of `0.0.0.0/0` without exceptions admits every source or destination. The policy looks like isolation in review but isolates nothing in that direction.',
    remediation: 'List the allowed peers (podSelector, namespaceSelector, or narrow ipBlocks) and ports, or delete the rule if everything really is allowed.',
    messages: {
      empty:
        'This {{direction}} rule names no peers and no ports, so it allows all traffic {{preposition}} every pod and address on every port; the policy isolates nothing in this direction. List the allowed peers and ports.',
      anywhere:
        'This {{direction}} peer allows `{{cidr}}` with no exceptions: every address on the internet, and with many network plugins every pod in the cluster too. Narrow the CIDR or add `except` ranges.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'NetworkPolicy' || r.group !== 'networking.k8s.io') return;
    const v = r.view;
    const spec = v.get(r.root, 'spec');
    for (const [direction, peersKey, preposition] of [
      ['ingress', 'from', 'from'],
      ['egress', 'to', 'to'],
    ] as const) {
      for (const rule of v.items(v.get(spec, direction))) {
        const map = v.map(rule);
        // `- {}`, and `- from: []` alike: an empty or missing peer list matches every peer, and no ports means all ports.
        if (map && v.items(v.get(map, peersKey)).length === 0 && v.items(v.get(map, 'ports')).length === 0) {
          ctx.report({ at: rule, messageId: 'empty', data: { direction, preposition } });
          continue;
        }
        for (const peer of v.items(v.get(map, peersKey))) {
          const block = v.get(peer, 'ipBlock');
          const cidrPair = v.pair(block, 'cidr');
          const cidr = v.text(cidrPair?.value);
          if (!cidr || !ANYWHERE.has(cidr.trim())) continue;
          if (v.items(v.get(block, 'except')).length > 0) continue;
          ctx.report({ at: cidrPair, part: 'value', messageId: 'anywhere', data: { direction, cidr } });
        }
      }
    }
  },
});
