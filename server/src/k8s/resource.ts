// A Kubernetes view over YAML nodes: one Resource per object with a string apiVersion and kind.
import { isMap, type Document } from 'yaml';
import { YamlView, type AnyNode, type Pair, type YAMLMap } from '../yaml/nodes.ts';
import { splitApiVersion, workloadKind, type WorkloadKind } from './kinds.ts';

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface Container {
  node: YAMLMap;
  list: ContainerKind;
  index: number;
  name: string;
  /** The `name:` value, where findings about something missing from the container are anchored. */
  anchor: AnyNode;
  /** An init container that restarts (a native sidecar) behaves like a normal container. */
  isSidecar: boolean;
}

export interface PodSpec {
  node: YAMLMap;
  /** The `spec:` pair that holds the pod spec; findings about a missing pod field sit on its key. */
  pair: Pair | undefined;
  meta: YAMLMap | undefined;
  containers: Container[];
}

export interface Resource {
  view: YamlView;
  root: YAMLMap;
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  name: string | undefined;
  namespace: string | undefined;
  metadata: YAMLMap | undefined;
  /** Where a finding about the whole object goes: the name value, else the `kind:` value. */
  anchor: AnyNode;
  workload: WorkloadKind | undefined;
  pod: PodSpec | undefined;
}

const CONTAINER_LISTS: readonly ContainerKind[] = ['containers', 'initContainers', 'ephemeralContainers'];

/** Every Kubernetes object in a parsed document (a `List` contributes its items). */
export function resourcesOf(doc: Document.Parsed): Resource[] {
  const view = new YamlView(doc);
  const root = view.map(doc.contents);
  if (!root) return [];
  const out: Resource[] = [];
  collect(view, root, out, 0);
  return out;
}

function collect(view: YamlView, root: YAMLMap, out: Resource[], depth: number): void {
  const apiVersion = view.str(view.get(root, 'apiVersion'));
  const kind = view.str(view.get(root, 'kind'));
  if (!apiVersion || !kind) return;
  if (depth === 0 && kind.endsWith('List') && view.seq(view.get(root, 'items'))) {
    for (const item of view.items(view.get(root, 'items'))) {
      const m = view.map(item);
      if (m) collect(view, m, out, depth + 1);
    }
    return;
  }
  out.push(makeResource(view, root, apiVersion, kind));
}

function makeResource(view: YamlView, root: YAMLMap, apiVersion: string, kind: string): Resource {
  const { group, version } = splitApiVersion(apiVersion);
  const metadata = view.map(view.get(root, 'metadata'));
  const nameNode = metadata ? view.get(metadata, 'name') : undefined;
  const name = view.text(nameNode);
  const workload = workloadKind(group, kind);
  const anchor = (name !== undefined ? nameNode : view.get(root, 'kind')) as AnyNode;
  return {
    view,
    root,
    apiVersion,
    group,
    version,
    kind,
    name,
    namespace: metadata ? view.text(view.get(metadata, 'namespace')) : undefined,
    metadata,
    anchor,
    workload,
    pod: workload ? podSpecOf(view, root, workload) : undefined,
  };
}

function podSpecOf(view: YamlView, root: YAMLMap, w: WorkloadKind): PodSpec | undefined {
  const parent = w.specPath.length > 1 ? view.at(root, w.specPath.slice(0, -1)) : root;
  const pair = view.pair(parent, w.specPath[w.specPath.length - 1]!);
  const node = view.map(pair?.value);
  if (!node) return undefined;
  const meta = view.map(view.at(root, w.metaPath));
  const containers: Container[] = [];
  for (const list of CONTAINER_LISTS) {
    view.items(view.get(node, list)).forEach((item, index) => {
      const c = view.map(item);
      if (!c || !isMap(c)) return;
      const namePair = view.pair(c, 'name');
      const name = view.text(namePair?.value) ?? `#${index + 1}`;
      const anchor = (namePair?.value ?? namePair?.key ?? c) as AnyNode;
      const isSidecar = list === 'initContainers' && view.str(view.get(c, 'restartPolicy')) === 'Always';
      containers.push({ node: c, list, index, name, anchor, isSidecar });
    });
  }
  return { node, pair, meta, containers };
}

const memo = new WeakMap<Resource, Map<string, unknown>>();

/**
 * Caches a value derived from a resource. A resource never changes once built, and resources of
 * unchanged documents are reused from one analysis to the next, so rules that compare objects
 * pay for each object's summary once, not on every keystroke.
 */
export function memoize<T>(r: Resource, key: string, compute: () => T): T {
  let m = memo.get(r);
  if (!m) {
    m = new Map();
    memo.set(r, m);
  }
  if (m.has(key)) return m.get(key) as T;
  const value = compute();
  m.set(key, value);
  return value;
}

/** Labels of the object's pod template (or of the Pod itself). */
export function podLabels(r: Resource): ReadonlyMap<string, string> {
  return memoize(r, 'podLabels', () => readPodLabels(r));
}

function readPodLabels(r: Resource): Map<string, string> {
  const out = new Map<string, string>();
  const labels = r.pod?.meta ? r.view.get(r.pod.meta, 'labels') : undefined;
  for (const p of r.view.pairs(labels)) {
    const k = r.view.keyOf(p);
    const v = r.view.text(p.value);
    if (k !== undefined && v !== undefined) out.set(k, v);
  }
  return out;
}
