// Replica counts, autoscaler targets and label indexes shared by the availability rules
// (replicas-minimum, spread-replicas, pdb-blocks-eviction), one small edit they share, and the
// scope index of the rules that compare objects across files (autoscalers and their targets,
// PodDisruptionBudgets, the ConfigMaps, Secrets and ServiceAccounts pods refer to).
import { isScalar, type Node as YamlNode } from 'yaml';
import type { FileContext, RelatedInfo, Report } from '../engine/rule.ts';
import { renderBlock, type EditBuilder, type YamlValue } from '../yaml/edit.ts';
import type { AnyNode, Pair, YAMLMap } from '../yaml/nodes.ts';
import { asRecord, dig, labelMap, type WorkspaceObject } from '../workspace/objects.ts';
import { splitApiVersion, WORKLOAD_KINDS, workloadKind } from './kinds.ts';
import { memoize, podLabels, type Resource } from './resource.ts';
import { namespacesMayMatch, selectorOfPlain, type Selector } from './selectors.ts';

/** Workload kinds that run `spec.replicas` copies of their pod template (default 1). */
export const REPLICATED_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'DeploymentConfig',
  'Rollout',
]);

export interface Replicas {
  /** The object's `spec:` pair and map. */
  specPair: Pair | undefined;
  spec: YAMLMap | undefined;
  /** The `replicas:` pair, when written. */
  pair: Pair | undefined;
  /**
   * How many pods the object asks for: the written integer, 1 when `replicas` is unset (or null),
   * undefined when the value is something else (a string, a template expression).
   */
  count: number | undefined;
}

/** The replica count of a replicated workload (undefined for other objects). */
export function replicasOf(r: Resource): Replicas | undefined {
  if (!r.workload || !REPLICATED_KINDS.has(r.workload.kind)) return undefined;
  return memoize(r, 'workloads:replicas', () => {
    const v = r.view;
    const specPair = v.pair(r.root, 'spec');
    const spec = v.map(specPair?.value);
    const pair = v.pair(spec, 'replicas');
    const value = v.value(pair?.value);
    let count: number | undefined;
    if (!pair || v.deref(pair.value) === undefined || value === null) count = 1;
    else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) count = value;
    return { specPair, spec, pair, count };
  });
}

/** What an autoscaler (HorizontalPodAutoscaler, KEDA ScaledObject) scales. */
export interface ScaleTarget {
  kind: string;
  name: string;
  namespace: string | undefined;
}

/** The workload an autoscaler object scales, or undefined for other objects. */
export function scaleTargetOf(r: Resource): ScaleTarget | undefined {
  const isHpa = r.kind === 'HorizontalPodAutoscaler' && r.group === 'autoscaling';
  const isKeda = r.kind === 'ScaledObject' && r.group === 'keda.sh';
  if (!isHpa && !isKeda) return undefined;
  return memoize(r, 'workloads:scaleTarget', () => {
    const v = r.view;
    const ref = v.get(v.get(r.root, 'spec'), 'scaleTargetRef');
    const name = v.text(v.get(ref, 'name'));
    // KEDA's scaleTargetRef.kind defaults to Deployment; the HPA's is required.
    const kind = v.text(v.get(ref, 'kind')) ?? (isKeda ? 'Deployment' : undefined);
    return name && kind ? { kind, name, namespace: r.namespace } : undefined;
  });
}

/** Autoscalers of a file by `kind/name` of their target. */
export type AutoscalerIndex = Map<string, ScaleTarget[]>;

function targetKey(kind: string, name: string): string {
  return `${kind}/${name}`;
}

function indexAutoscaler(index: AutoscalerIndex, r: Resource, add: boolean): void {
  const t = scaleTargetOf(r);
  if (!t) return;
  const key = targetKey(t.kind, t.name);
  const list = index.get(key) ?? [];
  if (add) list.push(t);
  else {
    const i = list.indexOf(t);
    if (i >= 0) list.splice(i, 1);
  }
  if (list.length > 0) index.set(key, list);
  else index.delete(key);
}

/**
 * The autoscalers of the file, kept up to date from the changes between runs (a file rule runs
 * on every keystroke; this costs a lookup per changed object, not a scan of the file).
 */
export function autoscalerIndex(ctx: FileContext): AutoscalerIndex {
  return trackedIndex(ctx, 'workloads:autoscalers', () => new Map(), indexAutoscaler);
}

/** Whether an autoscaler of the file scales `r` (namespaces compared as `namespacesMayMatch` does). */
export function isAutoscaled(index: AutoscalerIndex, r: Resource): boolean {
  if (!r.name || index.size === 0) return false;
  const list = index.get(targetKey(r.kind, r.name));
  return !!list && list.some((t) => namespacesMayMatch(t.namespace, r.namespace));
}

/** Workloads with pods, by pod label key and value (`*` holds those without labels). */
export type LabelIndex = Map<string, Map<string, Resource[]>>;

function indexLabels(index: LabelIndex, r: Resource, add: boolean): void {
  if (!r.pod) return;
  const entries: [string, string][] = [...podLabels(r)];
  if (entries.length === 0) entries.push(['*', '*']);
  for (const [k, val] of entries) {
    let byValue = index.get(k);
    if (!byValue) index.set(k, (byValue = new Map()));
    const list = byValue.get(val) ?? [];
    if (add) list.push(r);
    else {
      const i = list.indexOf(r);
      if (i >= 0) list.splice(i, 1);
    }
    if (list.length > 0) byValue.set(val, list);
    else byValue.delete(val);
    if (byValue.size === 0) index.delete(k);
  }
}

/** The file's workloads by pod label, kept up to date from the changes between runs. */
export function labelIndex(ctx: FileContext): LabelIndex {
  return trackedIndex(ctx, 'workloads:labels', () => new Map(), indexLabels);
}

/** Every workload of the index once (for selectors that name no `key: value`). */
export function allIndexed(index: LabelIndex): Resource[] {
  const seen = new Set<Resource>();
  for (const byValue of index.values()) for (const list of byValue.values()) for (const r of list) seen.add(r);
  return [...seen];
}

function trackedIndex<T>(ctx: FileContext, key: string, create: () => T, update: (index: T, r: Resource, add: boolean) => void): T {
  let index = ctx.state.get(key) as T | undefined;
  if (index === undefined || !ctx.changes) {
    index = create();
    for (const r of ctx.resources) update(index, r, true);
    ctx.state.set(key, index);
    return index;
  }
  for (const r of ctx.changes.removed) update(index, r, false);
  for (const r of ctx.changes.added) update(index, r, true);
  return index;
}

/**
 * Adds `key: value` as the FIRST pair of a block map (where people write `replicas:` or
 * `restartPolicy:`), at the indentation of the map's keys and above any comment lines that belong
 * to the first key. Flow maps, maps whose first key shares a line with something else, and empty
 * maps get the pair the ordinary way.
 */
export function addPairFirst(b: EditBuilder, holder: Pair, map: YAMLMap, key: string, value: YamlValue): void {
  const first = map.items[0] as Pair | undefined;
  if (!first || map.flow) {
    if (first || map.flow) b.addPair(map, key, value);
    else b.setValue(holder, { [key]: value });
    return;
  }
  const keyNode = first.key as YamlNode | null;
  const start = keyNode?.range?.[0];
  if (start === undefined || !isScalar(keyNode)) {
    b.addPair(map, key, value);
    return;
  }
  let line = b.lines.lineOf(start);
  const indent = b.text.slice(b.lines.starts[line]!, start);
  if (!/^ *$/.test(indent)) {
    b.addPair(map, key, value);
    return;
  }
  // Comment lines right above the first key, at its indentation, stay with it.
  while (line > 0 && b.lines.lineText(line - 1).startsWith(`${indent}#`)) line--;
  const lines = renderBlock({ [key]: value }, indent, b.style());
  b.insert(b.lines.starts[line]!, lines.join(b.eol) + b.eol, indent.length);
}

/**
 * Adds `key: value` on the line after `after` (a one-line `key: scalar` pair of the block map),
 * at its indentation; anything else gets the pair first in the map (see addPairFirst).
 */
export function addPairAfter(b: EditBuilder, holder: Pair, map: YAMLMap, after: Pair | undefined, key: string, value: YamlValue): void {
  const keyNode = after?.key as YamlNode | null | undefined;
  const valueNode = after?.value as YamlNode | null | undefined;
  const start = keyNode?.range?.[0];
  const end = valueNode?.range?.[1];
  if (!after || map.flow || !map.items.includes(after) || start === undefined || end === undefined || !isScalar(valueNode)) {
    addPairFirst(b, holder, map, key, value);
    return;
  }
  const line = b.lines.lineOf(start);
  const indent = b.text.slice(b.lines.starts[line]!, start);
  const lastChar = end > start && b.text[end - 1] === '\n' ? end - 1 : end;
  if (!/^ *$/.test(indent) || b.lines.lineOf(lastChar) !== line || line + 1 >= b.lines.lineCount) {
    addPairFirst(b, holder, map, key, value);
    return;
  }
  const lines = renderBlock({ [key]: value }, indent, b.style());
  b.insert(b.lines.starts[line + 1]!, lines.join(b.eol) + b.eol, indent.length);
}

// ---------------------------------------------------------------------------------------------
// Across the files of a scope: autoscalers, workloads and the objects they refer to, read from
// each workspace object's plain data. Indexes of the other files are built once per change of
// those files (the list the workspace hands out stays the same while nothing in the scope
// changes); the file's own objects are indexed once per analysis, shared by every rule.

/** The object an autoscaler scales, as its `scaleTargetRef` names it. */
export interface ScaleRef {
  kind: string;
  name: string;
  /** The API group the reference names; undefined when it names none (any group matches). */
  group: string | undefined;
}

export type AutoscalerKind = 'HorizontalPodAutoscaler' | 'ScaledObject';

export interface Autoscaler {
  object: WorkspaceObject;
  kind: AutoscalerKind;
  /** undefined when `scaleTargetRef` has no readable name (or, for an HPA, kind). */
  target: ScaleRef | undefined;
  /**
   * The written floor: HPA `minReplicas` (default 1), ScaledObject `minReplicaCount` (default 0);
   * undefined when it is not a whole number.
   */
  min: number | undefined;
}

/** Whether an object is an autoscaler KubeGuard follows (HPA or KEDA ScaledObject). */
export function isAutoscalerKind(group: string, kind: string): kind is AutoscalerKind {
  return (kind === 'HorizontalPodAutoscaler' && group === 'autoscaling') || (kind === 'ScaledObject' && group === 'keda.sh');
}

const autoscalers = new WeakMap<WorkspaceObject, Autoscaler | null>();

function wholeNumber(v: unknown, fallback: number): number | undefined {
  if (v === undefined || v === null) return fallback;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** The autoscaler an object is, read once per object. */
export function autoscalerOf(o: WorkspaceObject): Autoscaler | undefined {
  let a = autoscalers.get(o);
  if (a === undefined) {
    a = null;
    if (isAutoscalerKind(o.group, o.kind)) {
      const keda = o.kind === 'ScaledObject';
      const ref = asRecord(dig(o.data, 'spec', 'scaleTargetRef'));
      const name = typeof ref?.name === 'string' && ref.name !== '' ? ref.name : undefined;
      // KEDA's scaleTargetRef defaults to apps/v1 Deployment; the HPA's kind is required.
      const kind = typeof ref?.kind === 'string' && ref.kind !== '' ? ref.kind : keda ? 'Deployment' : undefined;
      const apiVersion = typeof ref?.apiVersion === 'string' && ref.apiVersion !== '' ? ref.apiVersion : keda ? 'apps/v1' : undefined;
      a = {
        object: o,
        kind: o.kind as AutoscalerKind,
        target: name && kind ? { kind, name, group: apiVersion === undefined ? undefined : splitApiVersion(apiVersion).group } : undefined,
        min: wholeNumber(dig(o.data, 'spec', keda ? 'minReplicaCount' : 'minReplicas'), keda ? 0 : 1),
      };
    }
    autoscalers.set(o, a);
  }
  return a ?? undefined;
}

/**
 * Whether a reference's API group fits an object's: equal, unnamed, or two groups that serve the
 * same kind (`extensions` and `apps` Deployments, OpenShift's DeploymentConfig in both of its).
 */
export function sameApiGroup(kind: string, ref: string | undefined, group: string): boolean {
  if (ref === undefined || ref === group) return true;
  return WORKLOAD_KINDS.some((w) => w.kind === kind && w.groups.includes(ref) && w.groups.includes(group));
}

/** Whether two workspace objects are the same API object (one written twice, in two files). */
export function sameObject(a: WorkspaceObject, b: WorkspaceObject): boolean {
  return a === b || (a.kind === b.kind && a.group === b.group && a.name !== undefined && a.name === b.name && sameNamespaceIn(a, b));
}

/**
 * Whether two objects of a scope land in the same namespace: the same effective namespace, or two
 * objects of one file where one names none (applied together, they land together).
 */
export function sameNamespaceIn(a: WorkspaceObject, b: WorkspaceObject): boolean {
  return a.namespace === b.namespace || (a.uri === b.uri && namespacesMayMatch(a.ownNamespace, b.ownNamespace));
}

const podLabelCache = new WeakMap<WorkspaceObject, ReadonlyMap<string, string> | null>();

/** The labels of a workload's pods (its pod template's, or a Pod's own); undefined for other objects. */
export function podLabelsOf(o: WorkspaceObject): ReadonlyMap<string, string> | undefined {
  let labels = podLabelCache.get(o);
  if (labels === undefined) {
    const w = workloadKind(o.group, o.kind);
    labels = w && w.kind !== 'PodTemplate' ? labelMap(dig(o.data, ...w.metaPath, 'labels')) : null;
    podLabelCache.set(o, labels);
  }
  return labels ?? undefined;
}

/**
 * The replicas a replicated workload asks for, from its plain data: the written whole number,
 * 1 when unset; undefined for other objects and unreadable counts.
 */
export function plainReplicas(o: WorkspaceObject): number | undefined {
  const w = workloadKind(o.group, o.kind);
  if (!w || !REPLICATED_KINDS.has(w.kind)) return undefined;
  return wholeNumber(dig(o.data, 'spec', 'replicas'), 1);
}

function push<T>(m: Map<string, T[]>, key: string, value: T): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

/**
 * Objects indexed for the lookups the rules make. Each index is built on first use: an edit in
 * another file hands out a new list of objects, and most analyses need only one or two indexes.
 */
class Layer {
  private kinds: Map<string, WorkspaceObject[]> | undefined;
  private names: Map<string, WorkspaceObject[]> | undefined;
  private namespaces = new Map<string, Map<string, WorkspaceObject[]>>();
  private scalers: Map<string, Autoscaler[]> | undefined;

  constructor(
    private readonly objects: readonly WorkspaceObject[],
    private readonly end: number,
  ) {}

  /** By kind. */
  byKind(kind: string): readonly WorkspaceObject[] {
    if (!this.kinds) {
      this.kinds = new Map();
      for (let i = 0; i < this.end; i++) push(this.kinds, this.objects[i]!.kind, this.objects[i]!);
    }
    return this.kinds.get(kind) ?? EMPTY;
  }

  /** By kind and effective namespace. */
  byKindNs(kind: string, namespace: string): readonly WorkspaceObject[] {
    let byNs = this.namespaces.get(kind);
    if (!byNs) {
      byNs = new Map();
      for (const o of this.byKind(kind)) push(byNs, o.namespace, o);
      this.namespaces.set(kind, byNs);
    }
    return byNs.get(namespace) ?? EMPTY;
  }

  /** By name, whatever the kind and namespace. */
  byName(name: string): readonly WorkspaceObject[] {
    if (!this.names) {
      this.names = new Map();
      for (let i = 0; i < this.end; i++) {
        const o = this.objects[i]!;
        if (o.name !== undefined) push(this.names, o.name, o);
      }
    }
    return this.names.get(name) ?? EMPTY;
  }

  /** Autoscalers by the `kind\0name` of their target. */
  autoscalers(key: string): readonly Autoscaler[] {
    if (!this.scalers) {
      this.scalers = new Map();
      for (const kind of ['HorizontalPodAutoscaler', 'ScaledObject']) {
        for (const o of this.byKind(kind)) {
          const a = autoscalerOf(o);
          if (a?.target) push(this.scalers, `${a.target.kind}\u0000${a.target.name}`, a);
        }
      }
    }
    return this.scalers.get(key) ?? EMPTY_AUTOSCALERS;
  }
}

const otherLayers = new WeakMap<readonly WorkspaceObject[], Layer>();
const scopes = new WeakMap<readonly WorkspaceObject[], Scope>();
const EMPTY: readonly WorkspaceObject[] = [];
const EMPTY_AUTOSCALERS: readonly Autoscaler[] = [];

/** The objects a file is checked against, indexed: its own (with resources), then the others'. */
export class Scope {
  constructor(
    /** The file's own objects (each with its `resource`). */
    readonly own: readonly WorkspaceObject[],
    private readonly mine: Layer,
    private readonly theirs: Layer,
    /** Whether other files are taken into account (see WorkspaceContext.shared). */
    readonly shared: boolean,
  ) {}

  private byResource: Map<Resource, WorkspaceObject> | undefined;

  /** The workspace object of one of the file's resources. */
  objectOf(r: Resource): WorkspaceObject | undefined {
    if (!this.byResource) {
      this.byResource = new Map();
      for (const o of this.own) if (o.resource) this.byResource.set(o.resource, o);
    }
    return this.byResource.get(r);
  }

  /** Objects of a kind in the namespace `near` lands in. */
  inNamespace(kind: string, near: WorkspaceObject): WorkspaceObject[] {
    const own = this.mine.byKind(kind).filter((o) => sameNamespaceIn(o, near));
    const others = this.theirs.byKindNs(kind, near.namespace);
    return own.length === 0 ? [...others] : others.length === 0 ? own : [...own, ...others];
  }

  /** Objects of a kind and name in the namespace `near` lands in. */
  find(kind: string, name: string, near: WorkspaceObject): WorkspaceObject[] {
    return this.withName(name).filter((o) => o.kind === kind && sameNamespaceIn(o, near));
  }

  /** Every object with a name, whatever its kind and namespace. */
  withName(name: string): WorkspaceObject[] {
    const own = this.mine.byName(name);
    const others = this.theirs.byName(name);
    return own.length === 0 ? [...others] : others.length === 0 ? [...own] : [...own, ...others];
  }

  /** Every object of a kind in the scope, whatever its namespace. */
  all(kind: string): WorkspaceObject[] {
    return [...this.mine.byKind(kind), ...this.theirs.byKind(kind)];
  }

  /** Whether any object of the kind (in one of `groups`, when given) is in the scope. */
  has(kind: string, groups?: readonly string[]): boolean {
    for (const layer of [this.mine, this.theirs]) {
      const list = layer.byKind(kind);
      if (list.length > 0 && (!groups || list.some((o) => groups.includes(o.group)))) return true;
    }
    return false;
  }

  /**
   * The autoscalers that scale an object (HPAs and ScaledObjects, in this file first). The same
   * autoscaler written twice (copies in two files of the scope) counts once.
   */
  autoscalersOf(o: WorkspaceObject): Autoscaler[] {
    if (o.name === undefined) return [];
    const key = `${o.kind}\u0000${o.name}`;
    const out: Autoscaler[] = [];
    for (const layer of [this.mine, this.theirs]) {
      for (const a of layer.autoscalers(key)) {
        if (sameNamespaceIn(a.object, o) && sameApiGroup(o.kind, a.target!.group, o.group) && !out.some((b) => sameObject(a.object, b.object))) out.push(a);
      }
    }
    return out;
  }

  /** The autoscalers that name the same target as `a`: itself first, then each other one once. */
  autoscalersLike(a: Autoscaler): Autoscaler[] {
    const t = a.target;
    if (!t) return [a];
    const key = `${t.kind}\u0000${t.name}`;
    const out: Autoscaler[] = [a];
    for (const layer of [this.mine, this.theirs]) {
      for (const b of layer.autoscalers(key)) {
        if (sameNamespaceIn(a.object, b.object) && sameTargetGroup(t.kind, t.group, b.target!.group) && !out.some((c) => sameObject(b.object, c.object))) out.push(b);
      }
    }
    return out;
  }

  /** The objects an autoscaler's target reference names (in its namespace). */
  targetsOf(a: Autoscaler): WorkspaceObject[] {
    const t = a.target;
    if (!t) return [];
    return this.find(t.kind, t.name, a.object).filter((o) => sameApiGroup(t.kind, t.group, o.group));
  }
}


function sameTargetGroup(kind: string, a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || sameApiGroup(kind, a, b);
}

/** The scope a file is checked against, indexed once per analysis and shared by the rules. */
export function scopeOf(ctx: FileContext): Scope {
  const all = ctx.workspace.objects();
  let s = scopes.get(all);
  if (!s) {
    const others = ctx.workspace.others;
    let theirs = otherLayers.get(others);
    if (!theirs) {
      theirs = new Layer(others, others.length);
      otherLayers.set(others, theirs);
    }
    const ownCount = all.length - others.length;
    s = new Scope(all.slice(0, ownCount), new Layer(all, ownCount), theirs, ctx.workspace.shared);
    scopes.set(all, s);
  }
  return s;
}

/** Related information pointing at an object. */
export function relatedTo(o: WorkspaceObject, message: string): RelatedInfo {
  return { uri: o.uri, line: o.line, character: o.character, message };
}

/**
 * Report objects kept while what they say is unchanged: diagnostics are cached by report
 * identity, so a finding whose key has not changed is not rebuilt on every keystroke.
 */
export class ReportCache {
  private byResource = new WeakMap<Resource, Map<string, Report>>();

  get(r: Resource, key: string, build: () => Report): Report {
    let m = this.byResource.get(r);
    if (!m) this.byResource.set(r, (m = new Map()));
    let report = m.get(key);
    if (!report) {
      // Keys change only when other files do; keep the map from growing without bound.
      if (m.size >= 64) m.clear();
      report = build();
      m.set(key, report);
    }
    return report;
  }
}

/** " (it names no namespace)" when an object lands in `default` for want of one. */
export function noNamespaceNote(o: WorkspaceObject): string {
  return o.ownNamespace || o.namespace !== 'default' ? '' : ' (it names no namespace, and no kustomization.yaml beside it sets one)';
}

/** Why an autoscaler's target is not found, and what it may have meant. */
export interface MissingTarget {
  /** An object of the target's kind and name in the namespace, but of another API group. */
  otherGroup: WorkspaceObject | undefined;
  /** Related information: the same kind and name in another namespace or group, a workload of another kind with that name. */
  related: RelatedInfo[];
}

/**
 * For an autoscaler whose target is not in its scope: what it may have meant. Undefined when the
 * target is found, or when "missing" would be a guess: the scope holds no workload at all (its
 * workloads are kept elsewhere), or the file is checked on its own and holds neither the target's
 * kind and name in another API group nor in another namespace.
 */
export function missingTarget(scope: Scope, a: Autoscaler): MissingTarget | undefined {
  const t = a.target;
  if (!t || scope.targetsOf(a).length > 0) return undefined;
  if (!scope.has(t.kind) && ![...REPLICATED_KINDS].some((k) => scope.has(k))) return undefined;
  const related: RelatedInfo[] = [];
  const near = a.object;
  let otherGroup: WorkspaceObject | undefined;
  let elsewhere = false;
  for (const o of scope.withName(t.name)) {
    if (o.kind === t.kind && sameNamespaceIn(o, near)) {
      otherGroup ??= o;
      related.push(relatedTo(o, `${o.kind} "${t.name}" is defined with \`apiVersion: ${o.apiVersion}\`, another API group than \`scaleTargetRef\` names.`));
    } else if (o.kind === t.kind) {
      elsewhere = true;
      related.push(relatedTo(o, `${o.kind} "${t.name}" is defined in namespace "${o.namespace}"${noNamespaceNote(o)}, not "${near.namespace}".`));
    } else if (sameNamespaceIn(o, near) && REPLICATED_KINDS.has(workloadKind(o.group, o.kind)?.kind ?? '')) {
      related.push(relatedTo(o, `A ${o.kind} has this name: is \`scaleTargetRef.kind\` meant to be ${o.kind}?`));
    }
  }
  if (!scope.shared && !otherGroup && !elsewhere) return undefined;
  return { otherGroup, related: related.slice(0, 3) };
}

/** Where the objects a rule looked for were looked for, for messages. */
export function whereText(scope: Scope): string {
  return scope.shared ? 'in this file or the others checked with it' : 'in this file';
}

/** Where a finding about an autoscaler's target goes: `scaleTargetRef.name`, else the object's name. */
export function targetNameNode(r: Resource): AnyNode {
  const v = r.view;
  return v.get(v.get(v.get(r.root, 'spec'), 'scaleTargetRef'), 'name') ?? r.anchor;
}

/** What a PodDisruptionBudget selects, read from its plain data. */
export interface PlainBudget {
  object: WorkspaceObject;
  /** null: selects no pods (no selector; `{}` in policy/v1beta1); undefined: unreadable (may select anything). */
  selector: Selector | null | undefined;
}

const budgets = new WeakMap<WorkspaceObject, PlainBudget | null>();

/** The budget a PodDisruptionBudget object is, read once per object (undefined for other objects). */
export function budgetOfPlain(o: WorkspaceObject): PlainBudget | undefined {
  let b = budgets.get(o);
  if (b === undefined) {
    b = null;
    if (o.kind === 'PodDisruptionBudget' && o.group === 'policy') {
      const node = dig(o.data, 'spec', 'selector');
      const rec = asRecord(node);
      // policy/v1: no selector selects no pods, `{}` every pod of the namespace; v1beta1: `{}` selects none.
      const none = node === undefined || node === null || (rec !== undefined && Object.keys(rec).length === 0 && !o.apiVersion.endsWith('/v1'));
      b = { object: o, selector: none ? null : selectorOfPlain(node) };
    }
    budgets.set(o, b);
  }
  return b ?? undefined;
}

/** Objects of the scope whose pods run in the namespace `near` lands in (PodTemplates run none). */
export function podOwnersNear(scope: Scope, near: WorkspaceObject): WorkspaceObject[] {
  const out: WorkspaceObject[] = [];
  const seen = new Set<string>();
  for (const w of WORKLOAD_KINDS) {
    if (w.kind === 'PodTemplate' || seen.has(w.kind)) continue;
    seen.add(w.kind);
    for (const o of scope.inNamespace(w.kind, near)) if (podLabelsOf(o)) out.push(o);
  }
  return out;
}
