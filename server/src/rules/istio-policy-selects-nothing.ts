import type { Resource } from '../k8s/resource.ts';
import type { Selector } from '../k8s/selectors.ts';
import { defineRule, type RelatedInfo, type Report } from '../engine/rule.ts';
import { asRecord, dig, labelMap, type WorkspaceObject } from '../workspace/objects.ts';
import {
  closeness,
  describeTemplate,
  labelsText,
  podIndex,
  selectsTemplate,
  type PodIndex,
  type PodTemplate,
} from '../workspace/pods.ts';

/** Istio's root namespace, unless the mesh is configured otherwise: policies there with a selector apply in every namespace. */
const ROOT_NAMESPACE = 'istio-system';

interface PolicyKind {
  group: string;
  /** Where the label map is: `spec.selector.matchLabels`, or `spec.workloadSelector.labels`. */
  field: 'selector' | 'workloadSelector';
  /** What is lost when the policy applies to nothing. */
  effect: string;
}

const KINDS: ReadonlyMap<string, PolicyKind> = new Map([
  ['AuthorizationPolicy', { group: 'security.istio.io', field: 'selector', effect: 'the requests it was written to allow or deny are not controlled by it' }],
  ['PeerAuthentication', { group: 'security.istio.io', field: 'selector', effect: 'the mTLS mode it sets is not applied, and the workloads it was meant for keep the namespace or mesh default' }],
  ['RequestAuthentication', { group: 'security.istio.io', field: 'selector', effect: 'the tokens it was written to validate are not checked by it' }],
  ['Telemetry', { group: 'telemetry.istio.io', field: 'selector', effect: 'its telemetry settings reach no workload' }],
  ['WasmPlugin', { group: 'extensions.istio.io', field: 'selector', effect: 'its plugin runs in no proxy' }],
  ['ProxyConfig', { group: 'networking.istio.io', field: 'selector', effect: 'its proxy settings reach no workload' }],
  ['Sidecar', { group: 'networking.istio.io', field: 'workloadSelector', effect: 'the proxies it was written for keep the namespace default' }],
  ['EnvoyFilter', { group: 'networking.istio.io', field: 'workloadSelector', effect: 'its patches reach no proxy' }],
] as const);

/**
 * Selectors of pods that Istio's installation or the Gateway API deploy (`istio: ingressgateway`,
 * `app: istio-ingressgateway`, a gateway's name label): those pods are rarely in the manifests.
 */
function selectsInstalledGateway(labels: ReadonlyMap<string, string>): boolean {
  for (const [k, v] of labels) {
    if (k === 'istio' || k === 'istio.io/gateway-name' || k === 'gateway.networking.k8s.io/gateway-name') return true;
    if (k === 'app' && v.startsWith('istio-')) return true;
  }
  return false;
}

/** The selector's labels, or undefined when the policy has none (it then covers a whole namespace, or the mesh) or one that cannot be read. */
function labelsOf(o: WorkspaceObject, kind: PolicyKind): ReadonlyMap<string, string> | undefined {
  const raw = asRecord(dig(o.data, 'spec', kind.field, kind.field === 'selector' ? 'matchLabels' : 'labels'));
  if (!raw) return undefined;
  const labels = labelMap(raw);
  return labels.size > 0 && labels.size === Object.keys(raw).length ? labels : undefined;
}

/** Reports are kept while what they say is unchanged, so their diagnostics are not rebuilt. */
const reports = new WeakMap<Resource, { key: string; report: Report }>();

export default defineRule({
  meta: {
    id: 'istio-policy-selects-nothing',
    title: 'Istio policy selects no workload',
    category: 'networking',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'Istio policies with a workload selector (AuthorizationPolicy, PeerAuthentication, RequestAuthentication, Telemetry, WasmPlugin and ProxyConfig by `spec.selector.matchLabels`; Sidecar and EnvoyFilter by `spec.workloadSelector.labels`) apply only to the pods whose labels include all of the selector, in the policy\'s namespace; in the root namespace (`istio-system`) they apply to matching pods of every namespace. When no workload has those labels (a typo, a label renamed on one side only, a policy in the wrong namespace), the policy does nothing: an access rule that looks enforced is not, a JWT check never runs, an mTLS exception or a proxy setting is never applied. KubeGuard compares the selector with the pod template labels of every workload and bare Pod in the same namespace (every namespace for the root one), in the file and the other files of its scope. It stays quiet when that namespace has no workload in sight (for the root namespace: when no workload of `istio-system` is in sight), since the pods may then be deployed from elsewhere, and for selectors of gateways that Istio\'s installation or the Gateway API deploy (`istio: ingressgateway`, `app: istio-ingressgateway`, the gateway-name labels). When the file is checked on its own, only the file is looked at. Policies without a selector, or with `targetRef`s instead, are not checked.',
    remediation:
      'Make the selector equal to labels of the pod template the policy is for, or move the policy to the namespace of those pods.',
    messages: {
      namespace:
        '{{kind}} "{{name}}" applies to workloads labelled {{selector}}, but no workload in namespace "{{namespace}}" ({{seen}}) runs pods with all of those labels, so the policy applies to nothing: {{effect}}. Make the selector match the pod labels of the workload it is for.',
      mesh:
        '{{kind}} "{{name}}" is in the root namespace "{{namespace}}", so it applies to workloads labelled {{selector}} in every namespace, but no workload ({{seen}}) runs pods with all of those labels, so the policy applies to nothing: {{effect}}. Make the selector match the pod labels of the workloads it is for.',
    },
  },
  checkFile(ctx) {
    let pods: PodIndex | undefined;
    for (const o of ctx.workspace.objects()) {
      const r = o.resource;
      if (!r) break; // the file's own objects come first
      const kind = KINDS.get(o.kind);
      if (!kind || kind.group !== o.group) continue;
      const labels = labelsOf(o, kind);
      if (!labels || selectsInstalledGateway(labels)) continue;
      pods ??= podIndex(ctx);
      const root = o.namespace === ROOT_NAMESPACE;
      // No workload of the namespace in sight (for the root namespace: not even Istio's own): the pods may well be deployed from elsewhere.
      if (pods.in(o.namespace).length === 0) continue;
      const candidates: readonly PodTemplate[] = root ? pods.all() : pods.in(o.namespace);
      const selector: Selector = { requirements: [...labels].map(([key, value]) => ({ key, operator: 'In', values: [value] })) };
      if (candidates.some((t) => selectsTemplate(selector, t))) continue;
      const near = candidates
        .map((t, i) => ({ t, i, score: closeness(selector, t) }))
        .sort((a, b) => b.score - a.score || a.i - b.i)
        .slice(0, 3);
      const related: RelatedInfo[] = near.map(({ t }) => ({
        uri: t.object.uri,
        line: t.object.line,
        character: t.object.character,
        message: `${describeTemplate(t)}.`,
      }));
      const messageId = root ? 'mesh' : 'namespace';
      const data = {
        kind: o.kind,
        name: r.name ?? '?',
        selector: labelsText(labels),
        namespace: o.namespace,
        seen: ctx.workspace.shared ? 'in this file or the others checked with it' : 'in this file',
        effect: kind.effect,
      };
      const key = `${messageId}|${JSON.stringify(data)}|${JSON.stringify(related)}`;
      let cached = reports.get(r);
      if (!cached || cached.key !== key) {
        const v = r.view;
        const at = v.pair(v.get(r.root, 'spec'), kind.field) ?? r.anchor;
        cached = { key, report: { at, messageId, data, related } };
        reports.set(r, cached);
      }
      ctx.report(r, cached.report);
    }
  },
});
