import { defineRule } from '../engine/rule.ts';

/** Kinds that live outside namespaces. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'ClusterRole',
  'ClusterRoleBinding', 'CustomResourceDefinition', 'APIService', 'PriorityClass', 'RuntimeClass', 'IngressClass',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'CertificateSigningRequest', 'ClusterIssuer', 'GatewayClass',
  'ClusterTriggerAuthentication', 'PodSecurityPolicy', 'FlowSchema', 'PriorityLevelConfiguration', 'List',
]);

export default defineRule({
  meta: {
    id: 'default-namespace',
    title: 'Object in the default namespace',
    category: 'workloads',
    severity: 'off',
    target: 'object',
    description:
      'Objects without a namespace land in `default` (or wherever the current kubectl context points), where they mix with everything else and escape the quotas, policies and RBAC of a dedicated namespace. Off by default: Helm and Kustomize usually set the namespace when they apply.',
    remediation: 'Set `metadata.namespace` to the application\'s own namespace, or let your deployment tool set it.',
    messages: {
      missing:
        '{{kind}} "{{name}}" has no namespace, so it lands in `default` or wherever the current context points, outside the quotas and policies of a dedicated namespace. Set `metadata.namespace`.',
      explicit:
        '{{kind}} "{{name}}" is in the `default` namespace, where it mixes with everything else and escapes the quotas and policies of a dedicated namespace. Use the application\'s own namespace.',
    },
  },
  check(ctx) {
    const r = ctx.resource;
    if (CLUSTER_SCOPED.has(r.kind)) return;
    const data = { kind: r.kind, name: r.name ?? '?' };
    const ns = r.view.pair(r.metadata, 'namespace');
    if (!ns) ctx.report({ at: r.anchor, messageId: 'missing', data });
    else if (r.namespace === 'default') ctx.report({ at: ns, part: 'value', messageId: 'explicit', data });
  },
});
