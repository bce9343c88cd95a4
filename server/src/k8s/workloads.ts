// Replica counts, autoscaler targets and label indexes shared by the availability rules
// (replicas-minimum, spread-replicas, pdb-blocks-eviction), and one small edit they share.
import { isScalar, type Node as YamlNode } from 'yaml';
import type { FileContext } from '../engine/rule.ts';
import { renderBlock, type EditBuilder, type YamlValue } from '../yaml/edit.ts';
import type { Pair, YAMLMap } from '../yaml/nodes.ts';
import { memoize, podLabels, type Resource } from './resource.ts';
import { namespacesMayMatch } from './selectors.ts';

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
