// What a rule is: metadata plus a pure check over one Kubernetes object (or, for the few rules
// that compare objects, over all objects of a file).
import type { Container, PodSpec, Resource } from '../k8s/resource.ts';
import type { AnyNode, Pair } from '../yaml/nodes.ts';
import type { EditBuilder } from '../yaml/edit.ts';
import type { Settings } from './settings.ts';
import type { WorkspaceObject } from '../workspace/objects.ts';

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export type Category =
  | 'security-context'
  | 'capabilities'
  | 'host'
  | 'probes'
  | 'resources'
  | 'images'
  | 'secrets'
  | 'service-accounts'
  | 'rbac'
  | 'workloads'
  | 'networking'
  | 'api'
  | 'syntax';

export interface RuleMeta {
  /** The public id, equal to the file name. */
  id: string;
  title: string;
  category: Category;
  /** Default severity; 'off' rules run only when a setting turns them on. */
  severity: SeveritySetting;
  /** Pod Security Standards level, when the rule is one of its controls. */
  pss?: 'baseline' | 'restricted';
  /** Why it matters, in plain words (shown on hover and in the docs). */
  description: string;
  /** How to fix it, in one or two sentences. */
  remediation: string;
  /** What the rule looks at. */
  target: 'container' | 'pod' | 'object' | 'file';
  /** Message templates; `{{name}}` is replaced by `data.name`. */
  messages: Record<string, string>;
  /**
   * For rules that are off by default because they need input: the list setting that turns
   * them on when it is not empty, and the severity they then run at.
   */
  enabledBy?: { setting: 'trustedRegistries' | 'priorityClasses'; severity: Severity };
  /** Compares objects across the files of a scope (its findings change when other files do). */
  workspace?: boolean;
}

export type Part = 'key' | 'value' | 'pair';

/**
 * `safe` fixes may run unattended (fix-all, on save); `suggestion` fixes change how the workload
 * behaves at run time and are offered as quick fixes only.
 */
export type Safety = 'safe' | 'suggestion';

export interface Fix {
  title: string;
  safety: Safety;
  /** Writes the fix as minimal edits to the document the finding is in. */
  apply(edit: EditBuilder): void;
  /**
   * Rules whose findings the fix may bring to light, with the reason in a comment where it is
   * declared (removing `hostNetwork` puts the pod under NetworkPolicies, for one).
   */
  reveals?: readonly string[];
}

export interface Report {
  /** A YAML node, or a pair (then `part` says which side is underlined; the key by default). */
  at: AnyNode | Pair | undefined;
  part?: Part;
  messageId: string;
  data?: Record<string, string | number>;
  /** For rules whose severity depends on the case (unset vs. explicitly unsafe). */
  severity?: Severity;
  fixes?: Fix[];
  /** Machine-readable detail passed on with the diagnostic (`data`), e.g. the schema keyword. */
  detail?: Record<string, string>;
  /** Other objects involved (the HPA that conflicts, the policies that do not match), and why. */
  related?: RelatedInfo[];
}

export interface RelatedInfo {
  /** The file; empty for the file being analysed when it has no name (a single file checked alone). */
  uri: string;
  line: number;
  character: number;
  message: string;
}

export interface ObjectContext {
  resource: Resource;
  /** The source text of the YAML document the resource comes from. */
  source: string;
  report(r: Report): void;
  /**
   * Whether another rule is on. Where two rules would flag the same token (SYS_ADMIN is both a
   * non-default capability and CAP_SYS_ADMIN), the more specific one reports and the broader
   * one stays quiet, unless the specific one is turned off.
   */
  isActive(ruleId: string): boolean;
  /** The settings in force (rule options such as `trustedRegistries` live here). */
  settings: Readonly<Settings>;
}

/** The objects a file is checked against: its own and those of the other files in its scope. */
export interface WorkspaceContext {
  /** The objects of this file (with `resource` set, to report against), then the others. */
  objects(): readonly WorkspaceObject[];
  /** Only the objects of the other files in scope. */
  others: readonly WorkspaceObject[];
  /**
   * Whether other files are taken into account (the editor with a workspace folder, the command
   * line). When false the file is checked on its own, and rules that look for an object elsewhere
   * cannot tell "missing" from "in a file we cannot see".
   */
  shared: boolean;
}

export interface FileContext {
  resources: readonly Resource[];
  workspace: WorkspaceContext;
  /**
   * What changed since this rule last ran on the file, or undefined when everything is new
   * (first run, settings changed, or the previous run failed). With `state` a rule can keep an
   * index up to date instead of rebuilding it on every keystroke.
   */
  changes: { added: readonly Resource[]; removed: readonly Resource[] } | undefined;
  /** Kept between runs for this rule and file; emptied whenever `changes` is undefined. */
  state: Map<string, unknown>;
  isActive(ruleId: string): boolean;
  settings: Readonly<Settings>;
  /** Reports against a node of `resource`. */
  report(resource: Resource, r: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  /** Checks one object; its findings are cached with the document chunk. */
  check?(ctx: ObjectContext): void;
  /** Checks objects against each other; runs on every analysis of the file. */
  checkFile?(ctx: FileContext): void;
}

/** The first rule in `chain` that is on: the one that reports a token several rules cover. */
export function owner(ctx: { isActive(id: string): boolean }, chain: readonly string[]): string | undefined {
  return chain.find((id) => ctx.isActive(id));
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Runs `fn` for every container of a workload (init and ephemeral ones included). */
export function forEachContainer(
  ctx: ObjectContext,
  fn: (c: Container, pod: PodSpec, r: Resource) => void,
): void {
  const r = ctx.resource;
  if (!r.pod) return;
  for (const c of r.pod.containers) fn(c, r.pod, r);
}

/** Containers that run for the pod's lifetime: app containers and native sidecars. */
export function isLongRunning(c: Container): boolean {
  return c.list === 'containers' || c.isSidecar;
}

export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => {
    const v = data?.[key];
    return v === undefined ? `{{${key}}}` : String(v);
  });
}
