// RBAC objects: Roles and ClusterRoles with their rules, bindings with their role and subjects.
import type { Resource } from './resource.ts';
import type { AnyNode, Pair } from '../yaml/nodes.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function isRole(r: Resource): boolean {
  return r.group === RBAC_GROUP && (r.kind === 'Role' || r.kind === 'ClusterRole');
}

export function isBinding(r: Resource): boolean {
  return r.group === RBAC_GROUP && (r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding');
}

/** Whether a role grants everything: some rule with `*` for API groups, resources and verbs. */
export function grantsEverything(r: Resource): boolean {
  const v = r.view;
  return v.items(v.get(r.root, 'rules')).some((rule) =>
    ['apiGroups', 'resources', 'verbs'].every((f) => v.strings(v.get(rule, f)).includes('*')),
  );
}

export interface RbacItem {
  text: string;
  node: AnyNode;
}

export interface RbacRule {
  node: AnyNode;
  apiGroups: string[];
  resources: RbacItem[];
  resourcesPair: Pair | undefined;
  verbs: string[];
  /** The `verbs` items with their nodes, to underline one. */
  verbItems: RbacItem[];
  verbsPair: Pair | undefined;
  resourceNames: string[];
}

/** The rules of a Role or ClusterRole, read once. */
export function rulesOf(r: Resource): RbacRule[] {
  const v = r.view;
  const items = (n: unknown): RbacItem[] =>
    v.items(n).flatMap((node) => {
      const text = v.text(node);
      return text === undefined ? [] : [{ text, node }];
    });
  return v.items(v.get(r.root, 'rules')).map((node) => {
    const verbItems = items(v.get(node, 'verbs'));
    return {
      node,
      apiGroups: v.strings(v.get(node, 'apiGroups')),
      resources: items(v.get(node, 'resources')),
      resourcesPair: v.pair(node, 'resources'),
      verbs: verbItems.map((i) => i.text),
      verbItems,
      verbsPair: v.pair(node, 'verbs'),
      resourceNames: v.strings(v.get(node, 'resourceNames')),
    };
  });
}

/** Whether a rule's API groups include the core group (`""`) or every group. */
export function coversCoreGroup(rule: RbacRule): boolean {
  return rule.apiGroups.includes('') || rule.apiGroups.includes('*');
}

/**
 * Whether an RBAC resource pattern covers `resource` (`pods`, or `pods/exec` for a subresource),
 * as the API server matches them: `*` covers everything, subresources included, and a `*` before
 * `/exec` covers that subresource of every resource. A `resource` written `userextras/*` stands
 * for any subresource of `userextras`.
 */
export function resourcePatternMatches(pattern: string, resource: string): boolean {
  if (pattern === '*' || pattern === resource) return true;
  const slash = resource.indexOf('/');
  if (slash < 0) return false;
  const sub = resource.slice(slash + 1);
  if (sub === '*') return pattern.startsWith(resource.slice(0, slash + 1)) || (pattern.startsWith('*/') && pattern.length > 2);
  return pattern.startsWith('*/') && pattern.slice(2) === sub;
}

/** A set of rights to look for: any of the verbs on any of the resources in any of the groups. */
export interface GrantSpec {
  groups: readonly string[];
  resources: readonly string[];
  verbs: readonly string[];
}

export interface GrantMatch {
  /** The items of `resources` that cover one of the spec's resources. */
  resources: RbacItem[];
  /** The spec's resources that are covered. */
  covered: string[];
  /** The items of `verbs` that grant one of the spec's verbs (`*` included). */
  verbs: RbacItem[];
  /** The spec's verbs that are granted. */
  granted: string[];
  /** An item that is not `*` covers a resource: the grant does not come from the wildcard alone. */
  explicitResource: RbacItem | undefined;
  /** A verb item that is not `*` grants one of the verbs. */
  explicitVerb: RbacItem | undefined;
}

/**
 * What part of `spec` an RBAC rule grants, or undefined when it grants none of it. A rule with
 * `resourceNames` never allows `create` or `deletecollection` (those requests carry no name), so
 * those verbs do not count there.
 */
export function grantOf(rule: RbacRule, spec: GrantSpec): GrantMatch | undefined {
  if (!rule.apiGroups.includes('*') && !spec.groups.some((g) => rule.apiGroups.includes(g))) return undefined;
  const named = rule.resourceNames.length > 0;
  const wanted = spec.verbs.filter((v) => !named || (v !== 'create' && v !== 'deletecollection'));
  const granted = rule.verbs.includes('*') ? wanted : wanted.filter((v) => rule.verbs.includes(v));
  if (granted.length === 0) return undefined;
  const covered = spec.resources.filter((res) => rule.resources.some((i) => resourcePatternMatches(i.text, res)));
  if (covered.length === 0) return undefined;
  const resources = rule.resources.filter((i) => covered.some((res) => resourcePatternMatches(i.text, res)));
  const verbs = rule.verbItems.filter((i) => i.text === '*' || granted.includes(i.text));
  return {
    resources,
    covered,
    verbs,
    granted,
    explicitResource: resources.find((i) => i.text !== '*'),
    explicitVerb: verbs.find((i) => i.text !== '*'),
  };
}

/** `grantOf` over several specs (the same right on resources of different API groups), merged. */
export function grantOfAny(rule: RbacRule, specs: readonly GrantSpec[]): GrantMatch | undefined {
  let out: GrantMatch | undefined;
  for (const spec of specs) {
    const g = grantOf(rule, spec);
    if (!g) continue;
    if (!out) {
      out = g;
      continue;
    }
    const union = <T>(a: T[], b: T[]): T[] => [...a, ...b.filter((x) => !a.includes(x))];
    out = {
      resources: union(out.resources, g.resources),
      covered: union(out.covered, g.covered),
      verbs: union(out.verbs, g.verbs),
      granted: union(out.granted, g.granted),
      explicitResource: out.explicitResource ?? g.explicitResource,
      explicitVerb: out.explicitVerb ?? g.explicitVerb,
    };
  }
  return out;
}

function codeList(xs: readonly string[]): string {
  return xs.map((x) => `\`${x}\``).join(', ');
}

/** The verbs a rule names for a grant, or what its `*` stands for here (for messages). */
export function grantVerbsText(rule: RbacRule, g: GrantMatch): string {
  const explicit = g.granted.filter((v) => rule.verbs.includes(v));
  return explicit.length > 0 ? codeList(explicit) : `\`*\` (${codeList(g.granted)})`;
}

/** The resources of a grant that the rule names, or all it reaches through `*` (for messages). */
export function grantResourcesText(rule: RbacRule, g: GrantMatch): string {
  const named = rule.resources.filter((i) => i.text !== '*' && g.resources.includes(i)).map((i) => i.text);
  return named.length > 0 ? codeList(named) : `${codeList(g.covered)} (through \`*\`)`;
}
