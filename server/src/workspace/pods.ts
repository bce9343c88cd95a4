// The pod templates of a scope, by namespace: what the rules that ask "does this selector select
// anything?" (Services, NetworkPolicies, Istio policies) match against. Read from each workspace
// object's plain data once, and indexed once per change of the other files.
import type { FileContext } from '../engine/rule.ts';
import { workloadKind } from '../k8s/kinds.ts';
import { requirementHolds, type Requirement, type Selector } from '../k8s/selectors.ts';
import { dig, labelMap, type WorkspaceObject } from './objects.ts';

export interface PodTemplate {
  object: WorkspaceObject;
  /** The labels its pods start with (the pod template's, or the Pod's own). */
  labels: ReadonlyMap<string, string>;
  /** The object was too large to read: its labels are unknown, so it may match any selector. */
  unknown: boolean;
}

/**
 * Labels that controllers and the mesh add to pods when they create them. A selector that asks
 * for one of them (a Service for one StatefulSet pod, `statefulset.kubernetes.io/pod-name: db-0`)
 * is not held against a template that does not write it.
 */
const ADDED_AT_RUN_TIME: ReadonlySet<string> = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'job-name',
  'controller-uid',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
  'security.istio.io/tlsMode',
  'service.istio.io/canonical-name',
  'service.istio.io/canonical-revision',
]);

const templates = new WeakMap<WorkspaceObject, PodTemplate | null>();

/** The pod template of a workload or bare Pod (not of a PodTemplate object, which runs nothing). */
export function podTemplateOf(o: WorkspaceObject): PodTemplate | undefined {
  let t = templates.get(o);
  if (t === undefined) {
    const w = workloadKind(o.group, o.kind);
    t =
      w && w.kind !== 'PodTemplate'
        ? { object: o, labels: labelMap(dig(o.data, ...w.metaPath, 'labels')), unknown: Object.keys(o.data).length === 0 }
        : null;
    templates.set(o, t);
  }
  return t ?? undefined;
}

function holds(r: Requirement, labels: ReadonlyMap<string, string>): boolean {
  const value = labels.get(r.key);
  if (value === undefined && ADDED_AT_RUN_TIME.has(r.key)) return true;
  return requirementHolds(r, value);
}

/** Whether a selector selects the pods of a template (labels added at run time given the benefit of the doubt). */
export function selectsTemplate(selector: Selector, t: PodTemplate): boolean {
  return t.unknown || selector.requirements.every((r) => holds(r, t.labels));
}

/** How many of the selector's requirements the template's labels meet: closeness, for related information. */
export function closeness(selector: Selector, t: PodTemplate): number {
  let n = 0;
  for (const r of selector.requirements) {
    if (holds(r, t.labels)) n += 2;
    else if (t.labels.has(r.key)) n += 1;
  }
  return n;
}

export function labelsText(labels: ReadonlyMap<string, string>): string {
  return labels.size === 0 ? 'no labels' : [...labels].map(([k, v]) => `${k}=${v}`).join(', ');
}

/** The workload and its pod labels, for related information. */
export function describeTemplate(t: PodTemplate): string {
  const o = t.object;
  return `${o.kind} "${o.name ?? '?'}" in namespace "${o.namespace}" runs pods labelled ${labelsText(t.labels)}`;
}

/** Where an object's namespace comes from, when it does not name one itself (for messages). */
export function namespaceOrigin(o: WorkspaceObject, noun: string): string {
  if (o.ownNamespace) return '';
  return o.namespace === 'default'
    ? `: the ${noun} names no namespace, and no kustomization.yaml beside it sets one`
    : ': set by the kustomization.yaml beside it';
}

/** Templates by namespace. */
export type TemplateIndex = Map<string, PodTemplate[]>;

function addTo(index: TemplateIndex, t: PodTemplate): void {
  const list = index.get(t.object.namespace);
  if (list) list.push(t);
  else index.set(t.object.namespace, [t]);
}

/**
 * A value derived from the other files' objects, rebuilt only when they change (the list the
 * workspace hands out stays the same while nothing in the scope changes).
 */
export function forOthers<T>(ctx: FileContext, key: string, build: (others: readonly WorkspaceObject[]) => T): T {
  const cached = ctx.state.get(key) as { others: readonly WorkspaceObject[]; value: T } | undefined;
  if (cached && cached.others === ctx.workspace.others) return cached.value;
  const value = build(ctx.workspace.others);
  ctx.state.set(key, { others: ctx.workspace.others, value });
  return value;
}

/** The pod templates of a file's scope: this file's first, then the others'. */
export class PodIndex {
  private merged = new Map<string, PodTemplate[]>();
  private everything: PodTemplate[] | undefined;

  constructor(
    private readonly own: TemplateIndex,
    private readonly others: { index: TemplateIndex; all: readonly PodTemplate[] },
  ) {}

  /** The templates in a namespace. */
  in(namespace: string): readonly PodTemplate[] {
    let list = this.merged.get(namespace);
    if (!list) {
      list = [...(this.own.get(namespace) ?? []), ...(this.others.index.get(namespace) ?? [])];
      this.merged.set(namespace, list);
    }
    return list;
  }

  private byLabel: Map<string, PodTemplate[]> | undefined;
  private unknowns: PodTemplate[] = [];

  /**
   * The templates a selector may select, found by one of its `key: value` requirements (every
   * template when it has none): a lookup instead of a scan, for rules that ask per object.
   */
  mayMatch(selector: Selector): readonly PodTemplate[] {
    const first = selector.requirements.find((r) => r.operator === 'In' && r.values.length === 1);
    if (!first) return this.all();
    if (!this.byLabel) {
      this.byLabel = new Map();
      for (const t of this.all()) {
        if (t.unknown) this.unknowns.push(t);
        for (const [k, v] of t.labels) {
          const key = `${k}=${v}`;
          const list = this.byLabel.get(key);
          if (list) list.push(t);
          else this.byLabel.set(key, [t]);
        }
      }
    }
    const hits = this.byLabel.get(`${first.key}=${first.values[0]}`) ?? [];
    // Templates whose labels are unknown, or that lack a label controllers add at run time, may match too.
    const extra = ADDED_AT_RUN_TIME.has(first.key) ? this.all().filter((t) => !t.labels.has(first.key)) : this.unknowns;
    return extra.length === 0 ? hits : [...hits, ...extra];
  }

  private positions = new Map<string, Map<PodTemplate, number>>();

  /** The position of a template in its namespace's list (for stable ordering). */
  positionIn(namespace: string, t: PodTemplate): number {
    let m = this.positions.get(namespace);
    if (!m) {
      m = new Map(this.in(namespace).map((x, i) => [x, i]));
      this.positions.set(namespace, m);
    }
    return m.get(t) ?? Number.MAX_SAFE_INTEGER;
  }

  /**
   * The `count` templates of a namespace nearest to a selector (most requirements met, then most
   * keys present, then file order), found through the label keys rather than by a scan.
   */
  nearest(selector: Selector, namespace: string, count: number): PodTemplate[] {
    const inNs = this.in(namespace);
    if (selector.requirements.some((r) => ADDED_AT_RUN_TIME.has(r.key))) {
      return inNs
        .map((t, i) => ({ t, i, score: closeness(selector, t) }))
        .sort((a, b) => b.score - a.score || a.i - b.i)
        .slice(0, count)
        .map((x) => x.t);
    }
    // Candidates: templates that have one of the selector's `key: value` pairs (a lookup each);
    // the rest of the namespace follows in file order. A key every template has would make a
    // scan of the namespace per Service, on every keystroke.
    const scored = new Map<PodTemplate, number>();
    for (const r of selector.requirements) {
      if (r.operator !== 'In') continue;
      for (const value of r.values) {
        for (const t of this.mayMatch({ requirements: [{ key: r.key, operator: 'In', values: [value] }] })) {
          if (t.object.namespace !== namespace || scored.has(t)) continue;
          scored.set(t, closeness(selector, t));
        }
      }
    }
    const best = [...scored]
      .map(([t, score]) => ({ t, score, i: this.positionIn(namespace, t) }))
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .slice(0, count)
      .map((x) => x.t);
    for (const t of inNs) {
      if (best.length >= count) break;
      if (!scored.has(t)) best.push(t);
    }
    return best;
  }

  /** Every template in the scope. */
  all(): readonly PodTemplate[] {
    if (!this.everything) {
      this.everything = [];
      for (const list of this.own.values()) this.everything.push(...list);
      this.everything.push(...this.others.all);
    }
    return this.everything;
  }

}

function indexTemplates(objects: Iterable<WorkspaceObject>, stopAtOthers: boolean): TemplateIndex {
  const index: TemplateIndex = new Map();
  for (const o of objects) {
    if (stopAtOthers && !o.resource) break;
    const t = podTemplateOf(o);
    if (t) addTo(index, t);
  }
  return index;
}

/** The pod templates a file is checked against. */
export function podIndex(ctx: FileContext): PodIndex {
  const others = forOthers(ctx, 'pods:templates', (list) => {
    const index = indexTemplates(list, false);
    return { index, all: [...index.values()].flat() };
  });
  return new PodIndex(indexTemplates(ctx.workspace.objects(), true), others);
}
