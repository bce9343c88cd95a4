import { grantResourcesText, grantVerbsText, grantOfAny, isRole, RBAC_GROUP, rulesOf, type GrantMatch, type GrantSpec, type RbacRule } from '../k8s/rbac.ts';
import { defineRule, type Report } from '../engine/rule.ts';

interface Path {
  messageId: string;
  /**
   * `verb`: the path is a verb (`bind`, `escalate`, `impersonate`, `approve`); an explicit verb
   * reports even on `*` resources. `resource`: the path is a resource; an explicit resource
   * reports even with a `*` verb.
   */
  by: 'verb' | 'resource';
  /** The same right on resources of different API groups or scopes. */
  specs: Spec[];
}

interface Spec extends GrantSpec {
  /** Cluster-scoped resources, which a namespaced Role cannot grant. */
  clusterScoped?: boolean;
}

const WRITE = ['create', 'update', 'patch'];

const PATHS: readonly Path[] = [
  { messageId: 'roles', by: 'verb', specs: [{ groups: [RBAC_GROUP], resources: ['roles', 'clusterroles'], verbs: ['bind', 'escalate'] }] },
  {
    messageId: 'impersonate',
    by: 'verb',
    specs: [
      { groups: [''], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] },
      { groups: ['authentication.k8s.io'], resources: ['uids', 'userextras/*'], verbs: ['impersonate'] },
    ],
  },
  {
    messageId: 'bindings',
    by: 'resource',
    specs: [
      { groups: [RBAC_GROUP], resources: ['rolebindings'], verbs: WRITE },
      { groups: [RBAC_GROUP], resources: ['clusterrolebindings'], verbs: WRITE, clusterScoped: true },
    ],
  },
  {
    messageId: 'nodeProxy',
    by: 'resource',
    // The kubelet checks its API against `nodes/proxy` with the verb of the HTTP method.
    specs: [{ groups: [''], resources: ['nodes/proxy'], verbs: ['get', 'create', 'update', 'patch', 'delete'], clusterScoped: true }],
  },
  {
    messageId: 'webhooks',
    by: 'resource',
    specs: [
      {
        groups: ['admissionregistration.k8s.io'],
        resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
        verbs: WRITE,
        clusterScoped: true,
      },
    ],
  },
  {
    messageId: 'approval',
    by: 'resource',
    specs: [{ groups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update', 'patch'], clusterScoped: true }],
  },
  {
    messageId: 'signers',
    by: 'verb',
    specs: [{ groups: ['certificates.k8s.io'], resources: ['signers'], verbs: ['approve'], clusterScoped: true }],
  },
];

export default defineRule({
  meta: {
    id: 'rbac-escalation-paths',
    title: 'Role can escalate its own privileges',
    category: 'rbac',
    severity: 'error',
    target: 'object',
    description:
      'Some rights lead to every other right. `bind` and `escalate` lift the check that stops a subject from granting permissions it does not hold; `impersonate` lets it act as other users, groups and service accounts; RoleBindings hand roles to identities it controls; `nodes/proxy` reaches the kubelet, which runs commands in any pod of the node (a plain `get` is enough); admission webhooks see, and can rewrite, every object sent to the API server, Secrets included; approving certificate requests mints credentials for any user or group. A subject with one of them is only as contained as the most powerful identity it can reach.',
    remediation:
      'Remove these rights from roles bound to workloads and everyday users. Where a controller needs one, limit it with `resourceNames` and keep that controller and its service account under close watch.',
    messages: {
      roles:
        '{{kind}} "{{name}}" grants {{verbs}} on {{resources}}{{limit}}, which lifts the check that stops a subject from granting rights it does not hold: its subjects can write or bind a role with any rights and give it to themselves. Remove the verb, or limit `bind` to the roles they may hand out with `resourceNames`.',
      impersonate:
        '{{kind}} "{{name}}" grants {{verbs}} on {{resources}}{{limit}}: its subjects can act as those users, groups or service accounts, with all their rights. Remove it unless this role belongs to an authenticating proxy.',
      bindings:
        '{{kind}} "{{name}}" grants {{verbs}} on {{resources}}{{limit}}: its subjects can grant roles to any identity, including ones they control, and with `bind` roles more powerful than their own. Leave binding management to cluster administrators.',
      nodeProxy:
        '{{kind}} "{{name}}" grants {{verbs}} on {{resources}}: its subjects reach the kubelet API of every node, where even `get` runs commands in any pod, past admission control and API audit logs. Remove it; monitoring agents need `nodes/metrics` or `nodes/stats` instead.',
      webhooks:
        '{{kind}} "{{name}}" grants {{verbs}} on {{resources}}{{limit}}: its subjects can register an admission webhook that receives, and can rewrite or block, every object sent to the API server, Secrets included. Leave webhook configuration to cluster administrators.',
      approval:
        '{{kind}} "{{name}}" grants {{verbs}} on {{resources}}: its subjects can approve certificate requests and so obtain client certificates for any user or group the signer allows. Remove it unless this role belongs to a trusted certificate approver.',
      signers:
        '{{kind}} "{{name}}" grants `approve` on certificate signers{{limit}}: with approval rights on requests, its subjects can mint client certificates for any user or group the signer allows. Limit it to the signers they need with `resourceNames`.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!isRole(r)) return;
    const wildcardOwns = ctx.isActive('rbac-wildcard');
    for (const rule of rulesOf(r)) {
      for (const path of PATHS) {
        const specs = path.specs.filter((s) => !(s.clusterScoped && r.kind === 'Role'));
        const g = grantOfAny(rule, specs);
        if (!g) continue;
        const at = where(rule, path, g, wildcardOwns);
        if (at === null) continue;
        ctx.report({
          at,
          messageId: path.messageId,
          data: {
            kind: r.kind,
            name: r.name ?? '?',
            verbs: grantVerbsText(rule, g),
            resources: grantResourcesText(rule, g),
            limit: rule.resourceNames.length > 0 ? ` (only ${rule.resourceNames.map((n) => `"${n}"`).join(', ')})` : '',
          },
        });
      }
    }
  },
});

/**
 * What to underline: the explicit verb or resource that opens the path. A grant that comes from
 * `*` alone (every verb on every resource) is rbac-wildcard's to report; without it, the `*`
 * grant is underlined at the key of its field (null: nothing to report).
 */
function where(rule: RbacRule, path: Path, g: GrantMatch, wildcardOwns: boolean): Report['at'] | null {
  if (path.by === 'verb') {
    if (g.explicitVerb) return g.explicitVerb.node;
    if (g.explicitResource) return g.explicitResource.node;
    return wildcardOwns ? null : rule.verbsPair;
  }
  if (g.explicitResource) return g.explicitResource.node;
  return wildcardOwns ? null : rule.resourcesPair;
}

