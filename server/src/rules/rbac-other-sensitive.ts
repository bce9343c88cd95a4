import { grantResourcesText, grantVerbsText, grantOf, grantOfAny, isRole, rulesOf, type GrantMatch, type GrantSpec, type RbacItem, type RbacRule } from '../k8s/rbac.ts';
import type { Resource } from '../k8s/resource.ts';
import { defineRule } from '../engine/rule.ts';

const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];

interface Grant {
  /** The same right on resources of different API groups. */
  specs: GrantSpec[];
  /** Why the grant matters, after "grants <verbs> on <resources>". */
  why: string;
  /** Cluster-scoped resources, which a namespaced Role cannot grant. */
  clusterScoped?: boolean;
}

const GRANTS: readonly Grant[] = [
  {
    specs: [{ groups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['delete', 'deletecollection'] }],
    why: 'can erase the record of what happened',
  },
  {
    specs: [{ groups: [''], resources: ['namespaces'], verbs: ['delete'] }],
    why: 'deleting a namespace deletes everything in it',
    clusterScoped: true,
  },
  {
    specs: [{ groups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: WRITE }],
    why: 'can lift the network isolation of pods',
  },
  {
    specs: [
      { groups: [''], resources: ['services', 'endpoints'], verbs: ['create', 'update', 'patch'] },
      { groups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['create', 'update', 'patch'] },
      { groups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['create', 'update', 'patch'] },
    ],
    why: 'can expose pods or take over traffic meant for other services',
  },
  {
    specs: [{ groups: [''], resources: ['services/status'], verbs: ['update', 'patch'] }],
    why: "can set a load balancer's address and intercept traffic the cluster sends to it",
  },
  {
    specs: [{ groups: [''], resources: ['pods/portforward'], verbs: ['create', 'get'] }],
    why: 'reaches any port of the pods, past Services and NetworkPolicies',
  },
  {
    specs: [{ groups: [''], resources: ['persistentvolumes'], verbs: ['create'] }],
    why: "a hostPath volume opens the node's file system to a pod",
    clusterScoped: true,
  },
  {
    specs: [{ groups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }],
    why: 'can mint API tokens for the service accounts and act as them',
  },
];

const CONFIGMAPS: GrantSpec = { groups: [''], resources: ['configmaps'], verbs: ['update', 'patch'] };

export default defineRule({
  meta: {
    id: 'rbac-other-sensitive',
    title: 'Role grants other sensitive rights',
    category: 'rbac',
    severity: 'info',
    target: 'object',
    description:
      'Some rights are not full privilege escalations but still let a subject hurt the cluster or reach further than it should: deleting Events hides its tracks; changing ConfigMaps in `kube-system` can redirect the cluster DNS (CoreDNS) or, on EKS, map an IAM identity to `system:masters` (`aws-auth`); managing NetworkPolicies, Services, Ingresses or Endpoints opens or reroutes traffic; port-forwarding reaches pods past NetworkPolicies; a hostPath PersistentVolume mounts the node\'s file system; minting service account tokens lets it act as those accounts; writing `services/status` sets load balancer addresses that the cluster sends traffic to.',
    remediation:
      'Check that the subjects of the role need each of these rights; narrow them with `resourceNames`, or grant them in a Role in the namespace that needs them instead of a ClusterRole.',
    messages: {
      sensitive:
        '{{kind}} "{{name}}" grants {{what}}. Make sure its subjects need this{{advice}}.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (!isRole(r)) return;
    const wildcardOwns = ctx.isActive('rbac-wildcard');
    for (const rule of rulesOf(r)) {
      const parts: { at: RbacItem; what: string }[] = [];
      // Grants that come from a `*` resource alone: rbac-wildcard's, unless it is off.
      const starred: GrantMatch[] = [];
      const add = (g: GrantMatch, what: string): void => {
        if (g.explicitResource) parts.push({ at: g.explicitResource, what });
        else if (!wildcardOwns) starred.push(g);
      };
      for (const grant of GRANTS) {
        if (grant.clusterScoped && r.kind === 'Role') continue;
        const g = grantOfAny(rule, grant.specs);
        if (g) add(g, `${grantVerbsText(rule, g)} on ${grantResourcesText(rule, g)} (${grant.why})`);
      }
      const cm = configMapGrant(r, rule);
      if (cm) add(cm.g, cm.what);
      if (parts.length === 0 && starred.length === 0) continue;
      // In the order the role lists the resources.
      parts.sort((a, b) => rule.resources.indexOf(a.at) - rule.resources.indexOf(b.at));
      const what = parts.map((p) => p.what);
      if (starred.length > 0) {
        const named = [...new Set(starred.flatMap((g) => g.granted.filter((v) => rule.verbs.includes(v))))];
        const verbs = named.length > 0 ? named.map((v) => `\`${v}\``) : ['`*`'];
        const covered = [...new Set(starred.flatMap((g) => g.covered))];
        what.push(`${verbs.join(', ')} on every resource through \`*\`, ${covered.map((x) => `\`${x}\``).join(', ')} included`);
      }
      ctx.report({
        at: parts.length > 0 ? parts[0]!.at.node : rule.resourcesPair,
        messageId: 'sensitive',
        data: {
          kind: r.kind,
          name: r.name ?? '?',
          what: what.join('; '),
          advice: rule.resourceNames.length > 0 ? '' : ', and narrow it with `resourceNames` or to the namespaces that need it',
        },
      });
    }
  },
});

/**
 * Writing ConfigMaps matters where the cluster keeps its own: `kube-system` (CoreDNS, EKS
 * `aws-auth`). A ClusterRole reaches it, and so does a Role there; named ConfigMaps count when
 * they are those two.
 */
function configMapGrant(r: Resource, rule: RbacRule): { g: GrantMatch; what: string } | undefined {
  const g = grantOf(rule, CONFIGMAPS);
  if (!g) return undefined;
  const systemScope = r.kind === 'ClusterRole' || r.namespace === 'kube-system';
  const verbs = grantVerbsText(rule, g);
  if (rule.resourceNames.length > 0) {
    if (!systemScope && r.namespace !== undefined) return undefined;
    if (rule.resourceNames.includes('aws-auth')) {
      return { g, what: `${verbs} on the \`aws-auth\` ConfigMap (on EKS it maps IAM identities to Kubernetes users and groups, \`system:masters\` included)` };
    }
    if (rule.resourceNames.includes('coredns')) {
      return { g, what: `${verbs} on the \`coredns\` ConfigMap (can redirect the DNS names every pod resolves)` };
    }
    return undefined;
  }
  if (!systemScope) return undefined;
  const where = r.kind === 'ClusterRole' ? 'ConfigMaps, in `kube-system` too when bound cluster-wide' : 'the ConfigMaps of `kube-system`';
  return { g, what: `${verbs} on ${where} (can redirect the cluster DNS through CoreDNS, or on EKS grant cluster admin through \`aws-auth\`)` };
}

