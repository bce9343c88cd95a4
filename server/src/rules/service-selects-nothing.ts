import type { Resource } from '../k8s/resource.ts';
import type { Selector } from '../k8s/selectors.ts';
import { defineRule, type Fix, type RelatedInfo, type Report } from '../engine/rule.ts';
import { asArray, asRecord, dig, labelMap, type WorkspaceObject } from '../workspace/objects.ts';
import {
  closeness,
  describeTemplate,
  labelsText,
  namespaceOrigin,
  podIndex,
  selectsTemplate,
  type PodIndex,
  type PodTemplate,
} from '../workspace/pods.ts';

/** Reports are kept while what they say is unchanged, so their diagnostics are not rebuilt. */
const reports = new WeakMap<Resource, { key: string; report: Report }>();

/**
 * A namespace's templates change rarely while one types: each run compares them with the last
 * run's (by the identity of their data, which an unchanged YAML document keeps) and counts a new
 * version only when they differ, so the verdict for each Service is reused until then.
 */
interface NamespaceVersions {
  lists: Map<string, readonly PodTemplate[]>;
  versions: Map<string, number>;
  checked: Set<string>;
}

function sameTemplates(a: readonly PodTemplate[], b: readonly PodTemplate[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!.object;
    const y = b[i]!.object;
    if (x.data !== y.data || x.namespace !== y.namespace) return false;
  }
  return true;
}

let versionCounter = 0;

function namespaceVersion(state: NamespaceVersions, pods: PodIndex, ns: string): number {
  if (!state.checked.has(ns)) {
    state.checked.add(ns);
    const now = pods.in(ns);
    const before = state.lists.get(ns);
    // Versions come from one counter, so a state started afresh never repeats an old number.
    if (!before || !sameTemplates(before, now)) state.versions.set(ns, ++versionCounter);
    state.lists.set(ns, now);
  }
  return state.versions.get(ns) ?? 0;
}

/** The last report per Service and what it was computed from. */
const lastReports = new WeakMap<
  Resource,
  { verdict: object; messageId: string; elsewhere: readonly PodTemplate[]; lines: { uri: string; line: number }[]; report: Report }
>();

/** The verdict for one Service's selector against its namespace, kept per namespace version. */
const verdicts = new WeakMap<object, { version: number; selects: boolean; near: PodTemplate[] }>();

/** The Service's selector as labels, or undefined when it has none or one that cannot be read. */
function selectorOf(o: WorkspaceObject): ReadonlyMap<string, string> | undefined {
  const spec = asRecord(dig(o.data, 'spec'));
  // ExternalName Services are DNS aliases: a selector there is ignored.
  if (!spec || spec.type === 'ExternalName') return undefined;
  const raw = asRecord(spec.selector);
  if (!raw) return undefined;
  const labels = labelMap(raw);
  return labels.size > 0 && labels.size === Object.keys(raw).length ? labels : undefined;
}

const selectors = new WeakMap<object, { labels: ReadonlyMap<string, string>; selector: Selector } | null>();

/** The Service's selector as labels and as a Selector, read once per object. */
function selectorsOf(o: WorkspaceObject): { labels: ReadonlyMap<string, string>; selector: Selector } | undefined {
  let s = selectors.get(o.data);
  if (s === undefined) {
    const labels = selectorOf(o);
    s = labels ? { labels, selector: { requirements: [...labels].map(([key, value]) => ({ key, operator: 'In' as const, values: [value] })) } } : null;
    selectors.set(o.data, s);
  }
  return s ?? undefined;
}

/** What the template's labels lack of the selector, in words: `tier is web, not backend; no version label`. */
function differences(selector: ReadonlyMap<string, string>, t: PodTemplate): string {
  const out: string[] = [];
  for (const [k, v] of selector) {
    const have = t.labels.get(k);
    if (have === undefined) out.push(`no ${k} label`);
    else if (have !== v) out.push(`${k} is ${have}, not ${v}`);
  }
  return out.join('; ');
}

/**
 * The labels that select a workload's pods and nothing else: its own selector, when that is
 * plain labels its template carries (a bare Pod: its labels). Undefined for kinds whose selector
 * is generated (Jobs) or written with expressions.
 */
function ownSelector(t: PodTemplate): ReadonlyMap<string, string> | undefined {
  const o = t.object;
  let labels: Map<string, string>;
  if (o.kind === 'Pod') {
    labels = new Map(t.labels);
  } else if (o.kind === 'ReplicationController' || o.kind === 'DeploymentConfig') {
    labels = labelMap(dig(o.data, 'spec', 'selector'));
  } else if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Rollout'].includes(o.kind)) {
    const sel = asRecord(dig(o.data, 'spec', 'selector'));
    if (!sel || asArray(sel.matchExpressions).length > 0) return undefined;
    labels = labelMap(sel.matchLabels);
  } else {
    return undefined;
  }
  if (labels.size === 0) return undefined;
  for (const [k, v] of labels) if (t.labels.get(k) !== v) return undefined;
  return labels;
}

function selectFix(r: Resource, t: PodTemplate, labels: ReadonlyMap<string, string>): Fix | undefined {
  const pair = r.view.pair(r.view.get(r.root, 'spec'), 'selector');
  if (!pair) return undefined;
  return {
    title: `Select the pods of ${t.object.kind} "${t.object.name ?? '?'}" instead (${labelsText(labels)}): the Service then sends its traffic to them`,
    safety: 'suggestion',
    apply: (b) => b.replacePair(pair, 'selector', Object.fromEntries(labels)),
    // The Service's named target ports are then checked against the containers of those pods.
    reveals: ['port-reference-errors'],
  };
}

function related(o: WorkspaceObject, selector: Selector, labels: ReadonlyMap<string, string>, near: PodTemplate[], pods: PodIndex): RelatedInfo[] {
  const out: RelatedInfo[] = [];
  for (const t of pods.mayMatch(selector)) {
    if (out.length >= 2) break;
    if (t.object.namespace === o.namespace || t.unknown || !selectsTemplate(selector, t)) continue;
    out.push({
      uri: t.object.uri,
      line: t.object.line,
      character: t.object.character,
      message: `${t.object.kind} "${t.object.name ?? '?'}" runs pods this selector matches, but in namespace "${t.object.namespace}", and a Service only sends traffic to pods of its own namespace ("${o.namespace}"${namespaceOrigin(o, 'Service')}).`,
    });
  }
  for (const t of near) {
    out.push({
      uri: t.object.uri,
      line: t.object.line,
      character: t.object.character,
      message: `${describeTemplate(t)}: ${differences(labels, t)}.`,
    });
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'service-selects-nothing',
    title: 'Service selects no pods',
    category: 'networking',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'A Service sends its traffic to the pods whose labels include all of its `selector`, in its own namespace. When no workload there has those labels (a typo, a label renamed on one side only, a Service that landed in another namespace), the Service has no endpoints: clients get connection errors or timeouts, and an Ingress or load balancer in front of it answers 503. KubeGuard compares the selector with the pod template labels of every workload and bare Pod in the same namespace, in the file and the other files of its scope (the namespace is the object\'s own, else the one a kustomization.yaml beside it sets, else `default`). Labels the controllers add to pods themselves (such as `statefulset.kubernetes.io/pod-name`) are not required of the template. Services without a selector (their endpoints are managed by hand) and `ExternalName` Services are skipped, and so is a namespace with no workload in sight at all, since its pods may come from a Helm chart, an operator or another repository; when the file is checked on its own, only the file is looked at.',
    remediation:
      'Make the selector equal to labels of the pod template the Service is for (usually the workload\'s own `spec.selector`), or move the Service to the namespace of those pods.',
    messages: {
      inWorkspace:
        'Service "{{name}}" selects {{selector}}, but no workload in namespace "{{namespace}}" (in this file or the others checked with it) runs pods with all of those labels, so the Service has no endpoints and every connection to it fails. Make the selector match the pod template labels of the workload it is for.',
      inFile:
        'Service "{{name}}" selects {{selector}}, but no workload of namespace "{{namespace}}" in this file runs pods with all of those labels, so the Service has no endpoints and every connection to it fails. Make the selector match the pod template labels of the workload it is for.',
    },
  },
  checkFile(ctx) {
    let pods: PodIndex | undefined;
    let state = ctx.state.get('namespaces') as NamespaceVersions | undefined;
    if (!state) {
      state = { lists: new Map(), versions: new Map(), checked: new Set() };
      ctx.state.set('namespaces', state);
    }
    state.checked.clear();
    for (const o of ctx.workspace.objects()) {
      const r = o.resource;
      if (!r) break; // the file's own objects come first
      if (o.kind !== 'Service' || o.group !== '') continue;
      const sel = selectorsOf(o);
      if (!sel) continue;
      const { labels, selector } = sel;
      pods ??= podIndex(ctx);
      const candidates = pods.in(o.namespace);
      // No workload of the namespace in sight: the pods may well be deployed from elsewhere.
      if (candidates.length === 0) continue;
      const version = namespaceVersion(state, pods, o.namespace);
      let verdict = verdicts.get(o.data);
      if (!verdict || verdict.version !== version) {
        const selects = pods.mayMatch(selector).some((t) => t.object.namespace === o.namespace && selectsTemplate(selector, t));
        const near = selects ? [] : pods.nearest(selector, o.namespace, 3);
        verdict = { version, selects, near };
        verdicts.set(o.data, verdict);
      }
      if (verdict.selects) continue;
      const messageId0 = ctx.workspace.shared ? 'inWorkspace' : 'inFile';
      // The same verdict, the same matches elsewhere, nothing moved: the report of last time stands.
      const elsewhere = pods.mayMatch(selector);
      const last = lastReports.get(r);
      if (
        last &&
        last.verdict === verdict &&
        last.messageId === messageId0 &&
        last.elsewhere.length === elsewhere.length &&
        last.elsewhere.every((t, i) => t === elsewhere[i]) &&
        last.lines.length === verdict.near.length &&
        verdict.near.every((t, i) => t.object.uri === last.lines[i]!.uri && t.object.line === last.lines[i]!.line)
      ) {
        ctx.report(r, last.report);
        continue;
      }
      const near = verdict.near.map((t) => ({ t, score: closeness(selector, t) }));
      const info = related(o, selector, labels, near.map((n) => n.t), pods);
      const messageId = ctx.workspace.shared ? 'inWorkspace' : 'inFile';
      const data = { name: r.name ?? '?', selector: labelsText(labels), namespace: o.namespace };
      // Offer to select the closest workloads (those sharing a label key with the selector).
      const targets: { t: PodTemplate; labels: ReadonlyMap<string, string> }[] = [];
      for (const { t, score } of near) {
        const own = score > 0 ? ownSelector(t) : undefined;
        if (own && targets.length < 2) targets.push({ t, labels: own });
      }
      const key = `${messageId}|${JSON.stringify(data)}|${JSON.stringify(info)}|${targets.map((x) => `${x.t.object.kind}/${x.t.object.name}=${labelsText(x.labels)}`).join(',')}`;
      let cached = reports.get(r);
      if (!cached || cached.key !== key) {
        const v = r.view;
        const at = v.pair(v.get(r.root, 'spec'), 'selector') ?? r.anchor;
        const fixes = targets.map((x) => selectFix(r, x.t, x.labels)).filter((f): f is Fix => f !== undefined);
        cached = { key, report: { at, messageId, data, related: info, fixes } };
        reports.set(r, cached);
      }
      lastReports.set(r, {
        verdict,
        messageId,
        elsewhere,
        lines: verdict.near.map((t) => ({ uri: t.object.uri, line: t.object.line })),
        report: cached.report,
      });
      ctx.report(r, cached.report);
    }
  },
});
