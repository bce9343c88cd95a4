import { defineRule, type Fix } from '../engine/rule.ts';
import { renderScalar, type EditBuilder, type YamlValue } from '../yaml/edit.ts';
import type { Resource } from '../k8s/resource.ts';
import { nodeRange, type Pair, type YAMLMap } from '../yaml/nodes.ts';

/** The Kubernetes version KubeGuard checks against (the schemas are generated from it). */
export const TARGET_VERSION = '1.34';

interface ApiChange {
  /** Kinds it applies to; empty means every kind of the old apiVersion. */
  kinds: readonly string[];
  from: string;
  /** The apiVersion that replaces it, or undefined when the kind has no successor. */
  to?: string;
  /** The release that stopped serving it; undefined while it is only deprecated. */
  removedIn?: string;
  deprecatedIn: string;
  /**
   * How the object moves to `to`: 'same' when only `apiVersion` changes, 'ingress' for the
   * Ingress backend rewrite, 'manual' when fields changed in ways that need a person.
   */
  migration: 'same' | 'ingress' | 'manual';
  note?: string;
}

const WORKLOADS = ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'];
const RBAC = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

/** Facts from the Kubernetes deprecation guide, for the versions a 1.34 cluster no longer (or soon will not) serve. */
const CHANGES: readonly ApiChange[] = [
  { kinds: WORKLOADS, from: 'extensions/v1beta1', to: 'apps/v1', deprecatedIn: '1.8', removedIn: '1.16', migration: 'manual', note: 'apps/v1 requires `spec.selector`, and its defaults differ' },
  { kinds: ['NetworkPolicy'], from: 'extensions/v1beta1', to: 'networking.k8s.io/v1', deprecatedIn: '1.9', removedIn: '1.16', migration: 'same' },
  { kinds: ['Ingress'], from: 'extensions/v1beta1', to: 'networking.k8s.io/v1', deprecatedIn: '1.14', removedIn: '1.22', migration: 'ingress' },
  { kinds: ['PodSecurityPolicy'], from: 'extensions/v1beta1', deprecatedIn: '1.11', removedIn: '1.16', migration: 'manual', note: 'PodSecurityPolicy is gone; label the namespace for Pod Security Admission instead' },
  { kinds: WORKLOADS, from: 'apps/v1beta1', to: 'apps/v1', deprecatedIn: '1.9', removedIn: '1.16', migration: 'manual', note: 'apps/v1 requires `spec.selector`, and its defaults differ' },
  { kinds: WORKLOADS, from: 'apps/v1beta2', to: 'apps/v1', deprecatedIn: '1.9', removedIn: '1.16', migration: 'same' },
  { kinds: ['Ingress', 'IngressClass'], from: 'networking.k8s.io/v1beta1', to: 'networking.k8s.io/v1', deprecatedIn: '1.19', removedIn: '1.22', migration: 'ingress' },
  { kinds: RBAC, from: 'rbac.authorization.k8s.io/v1beta1', to: 'rbac.authorization.k8s.io/v1', deprecatedIn: '1.17', removedIn: '1.22', migration: 'same' },
  { kinds: RBAC, from: 'rbac.authorization.k8s.io/v1alpha1', to: 'rbac.authorization.k8s.io/v1', deprecatedIn: '1.17', removedIn: '1.22', migration: 'same' },
  { kinds: ['CustomResourceDefinition'], from: 'apiextensions.k8s.io/v1beta1', to: 'apiextensions.k8s.io/v1', deprecatedIn: '1.16', removedIn: '1.22', migration: 'manual', note: 'v1 requires a structural schema per version' },
  { kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], from: 'admissionregistration.k8s.io/v1beta1', to: 'admissionregistration.k8s.io/v1', deprecatedIn: '1.16', removedIn: '1.22', migration: 'manual', note: 'v1 requires `sideEffects` and `admissionReviewVersions` on every webhook' },
  { kinds: ['APIService'], from: 'apiregistration.k8s.io/v1beta1', to: 'apiregistration.k8s.io/v1', deprecatedIn: '1.19', removedIn: '1.22', migration: 'same' },
  { kinds: ['CertificateSigningRequest'], from: 'certificates.k8s.io/v1beta1', to: 'certificates.k8s.io/v1', deprecatedIn: '1.19', removedIn: '1.22', migration: 'manual', note: 'v1 requires `signerName`' },
  { kinds: ['Lease'], from: 'coordination.k8s.io/v1beta1', to: 'coordination.k8s.io/v1', deprecatedIn: '1.19', removedIn: '1.22', migration: 'same' },
  { kinds: ['PriorityClass'], from: 'scheduling.k8s.io/v1beta1', to: 'scheduling.k8s.io/v1', deprecatedIn: '1.14', removedIn: '1.22', migration: 'same' },
  { kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], from: 'storage.k8s.io/v1beta1', to: 'storage.k8s.io/v1', deprecatedIn: '1.19', removedIn: '1.22', migration: 'same' },
  { kinds: ['CSIStorageCapacity'], from: 'storage.k8s.io/v1beta1', to: 'storage.k8s.io/v1', deprecatedIn: '1.24', removedIn: '1.27', migration: 'same' },
  { kinds: ['CronJob'], from: 'batch/v1beta1', to: 'batch/v1', deprecatedIn: '1.21', removedIn: '1.25', migration: 'same' },
  { kinds: ['EndpointSlice'], from: 'discovery.k8s.io/v1beta1', to: 'discovery.k8s.io/v1', deprecatedIn: '1.21', removedIn: '1.25', migration: 'manual', note: 'v1 replaces `topology` with `zone` and `nodeName`' },
  { kinds: ['Event'], from: 'events.k8s.io/v1beta1', to: 'events.k8s.io/v1', deprecatedIn: '1.19', removedIn: '1.25', migration: 'manual', note: 'v1 renames `deprecatedCount` and friends and requires `reportingController`' },
  { kinds: ['PodDisruptionBudget'], from: 'policy/v1beta1', to: 'policy/v1', deprecatedIn: '1.21', removedIn: '1.25', migration: 'same', note: 'in policy/v1 an empty `selector` selects every pod of the namespace instead of none' },
  { kinds: ['PodSecurityPolicy'], from: 'policy/v1beta1', deprecatedIn: '1.21', removedIn: '1.25', migration: 'manual', note: 'PodSecurityPolicy is gone; label the namespace for Pod Security Admission instead' },
  { kinds: ['RuntimeClass'], from: 'node.k8s.io/v1beta1', to: 'node.k8s.io/v1', deprecatedIn: '1.20', removedIn: '1.25', migration: 'same' },
  { kinds: ['HorizontalPodAutoscaler'], from: 'autoscaling/v2beta1', to: 'autoscaling/v2', deprecatedIn: '1.23', removedIn: '1.25', migration: 'manual', note: 'autoscaling/v2 writes metric targets as `target: {type, averageUtilization}`' },
  { kinds: ['HorizontalPodAutoscaler'], from: 'autoscaling/v2beta2', to: 'autoscaling/v2', deprecatedIn: '1.23', removedIn: '1.26', migration: 'same' },
  { kinds: ['FlowSchema', 'PriorityLevelConfiguration'], from: 'flowcontrol.apiserver.k8s.io/v1beta1', to: 'flowcontrol.apiserver.k8s.io/v1', deprecatedIn: '1.23', removedIn: '1.26', migration: 'manual', note: 'later versions renamed `assuredConcurrencyShares` to `nominalConcurrencyShares`' },
  { kinds: ['FlowSchema', 'PriorityLevelConfiguration'], from: 'flowcontrol.apiserver.k8s.io/v1beta2', to: 'flowcontrol.apiserver.k8s.io/v1', deprecatedIn: '1.26', removedIn: '1.29', migration: 'manual', note: 'later versions renamed `assuredConcurrencyShares` to `nominalConcurrencyShares`' },
  { kinds: ['FlowSchema', 'PriorityLevelConfiguration'], from: 'flowcontrol.apiserver.k8s.io/v1beta3', to: 'flowcontrol.apiserver.k8s.io/v1', deprecatedIn: '1.29', removedIn: '1.32', migration: 'same' },
  { kinds: ['Endpoints'], from: 'v1', deprecatedIn: '1.33', migration: 'manual', note: 'use discovery.k8s.io/v1 EndpointSlice objects instead' },
  { kinds: ['ComponentStatus'], from: 'v1', deprecatedIn: '1.19', migration: 'manual', note: 'read component health from the components\' own health endpoints' },
];

function minor(v: string): number {
  return Number(v.split('.')[1]);
}

export function apiChange(apiVersion: string, kind: string): ApiChange | undefined {
  return CHANGES.find((c) => c.from === apiVersion && (c.kinds.length === 0 || c.kinds.includes(kind)));
}

export default defineRule({
  meta: {
    id: 'deprecated-api-version',
    title: 'Deprecated or removed apiVersion',
    category: 'api',
    severity: 'error',
    target: 'object',
    description: `An apiVersion that the cluster no longer serves makes \`kubectl apply\` fail with "no matches for kind", usually in the middle of an upgrade. A deprecated one still works today and fails after a future upgrade. KubeGuard checks against Kubernetes ${TARGET_VERSION}: removed versions are errors, deprecated ones warnings.`,
    remediation:
      'Move the object to the replacement apiVersion the message names. Where only the apiVersion changes, the quick fix rewrites it; where fields changed too (Ingress backends, HPA metrics), the message says what else to change.',
    messages: {
      removed: '`{{apiVersion}}` {{kind}} was removed in Kubernetes {{removedIn}}, so a {{target}} cluster rejects this object. {{advice}}.',
      deprecated: '`{{apiVersion}}` {{kind}} is deprecated since Kubernetes {{deprecatedIn}} and will stop being served in a future release. {{advice}}.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    const change = apiChange(r.apiVersion, r.kind);
    if (!change) return;
    const pair = r.view.pair(r.root, 'apiVersion');
    if (!pair) return;
    const removed = change.removedIn !== undefined && minor(change.removedIn) <= minor(TARGET_VERSION);
    const advice = change.to
      ? `Use \`${change.to}\`${change.note ? `; note that ${change.note}` : ''}`
      : change.note ?? 'It has no replacement';
    const fixes: Fix[] = [];
    if (change.to && change.migration === 'same') {
      fixes.push({
        title: `Change apiVersion to \`${change.to}\``,
        // The PDB selector change alters which pods are protected: offered, never automatic.
        safety: change.kinds.includes('PodDisruptionBudget') ? 'suggestion' : 'safe',
        apply: (edit) => edit.setValue(pair, change.to!),
      });
    }
    if (change.to && change.migration === 'ingress') {
      fixes.push({
        title: `Migrate to \`${change.to}\` (rewrites backends to \`service.name\`/\`service.port\` and adds \`pathType\`; review it)`,
        safety: 'suggestion',
        apply: (edit) => migrateIngress(edit, r, pair, change.to!),
      });
    }
    ctx.report({
      at: pair,
      part: 'value',
      messageId: removed ? 'removed' : 'deprecated',
      severity: removed ? 'error' : 'warning',
      data: {
        apiVersion: r.apiVersion,
        kind: r.kind,
        removedIn: change.removedIn ?? '',
        deprecatedIn: change.deprecatedIn,
        target: TARGET_VERSION,
        advice,
      },
      fixes,
    });
  },
});

/** Ingress v1beta1 → v1: new apiVersion, `serviceName`/`servicePort` → `service`, `pathType`, `defaultBackend`. */
function migrateIngress(edit: EditBuilder, r: Resource, apiVersion: Pair, to: string): void {
  const v = r.view;
  edit.setValue(apiVersion, to);
  const spec = v.map(v.get(r.root, 'spec'));
  if (!spec) return;
  const rewriteBackend = (holder: YAMLMap, key: string, newKey: string) => {
    const pair = v.pair(holder, key);
    const backend = v.map(pair?.value);
    if (!pair || !backend) return;
    const name = v.value(v.get(backend, 'serviceName'));
    const port = v.value(v.get(backend, 'servicePort'));
    if (name === undefined) return;
    const portValue: YamlValue | undefined = typeof port === 'number' ? { number: port } : typeof port === 'string' && /^\d+$/.test(port) ? { number: Number(port) } : port !== undefined && port !== null ? { name: String(port) } : undefined;
    const service: YamlValue = portValue ? { name: String(name), port: portValue } : { name: String(name) };
    const namePair = v.pair(backend, 'serviceName')!;
    const portPair = v.pair(backend, 'servicePort');
    if (inPlace(edit, backend, namePair, portPair, portValue)) {
      const keyRange = nodeRange(pair.key);
      if (newKey !== key && keyRange) edit.replace(keyRange[0], keyRange[1], newKey);
    } else {
      edit.replacePair(pair, newKey, { service });
    }
  };
  rewriteBackend(spec, 'backend', 'defaultBackend');
  for (const rule of v.items(v.get(spec, 'rules'))) {
    for (const path of v.items(v.get(v.get(rule, 'http'), 'paths'))) {
      const m = v.map(path);
      if (!m) continue;
      rewriteBackend(m, 'backend', 'backend');
      if (!v.has(m, 'pathType')) edit.addPair(m, 'pathType', 'ImplementationSpecific');
    }
  }
}

/**
 * Rewrites a block backend where it stands, so comments on its lines stay:
 * `serviceName: web  # note` becomes `service:` / `  name: web  # note`, and `servicePort`
 * moves under it as `port: {number|name}`. Only for the usual order (name, then port) in block
 * style; anything else is rewritten whole.
 */
function inPlace(edit: EditBuilder, backend: YAMLMap, namePair: Pair, portPair: Pair | undefined, port: YamlValue | undefined): boolean {
  if (backend.flow) return false;
  const nameKey = nodeRange(namePair.key);
  const portKey = portPair ? nodeRange(portPair.key) : undefined;
  const portValue = portPair ? nodeRange(portPair.value) : undefined;
  if (!nameKey || (portPair && (!portKey || !portValue || portKey[0] < nameKey[0]))) return false;
  const col = edit.columnOf(nameKey[0]);
  if (portKey && edit.columnOf(portKey[0]) !== col) return false;
  const unit = edit.unit();
  const pad = ' '.repeat(col);
  edit.replace(nameKey[0], nameKey[1], `service:${edit.eol}${pad}${unit}name`);
  if (portPair && portKey && portValue && port && typeof port === 'object' && !Array.isArray(port)) {
    const [k, val] = Object.entries(port)[0]!;
    edit.replace(portKey[0], portValue[1], `${unit}port:${edit.eol}${pad}${unit}${unit}${k}: ${renderScalar(val as string | number)}`);
  }
  return true;
}
