// The rule catalog: every public rule id, and for each one KubeGuard does not implement yet, why.
//
// CATALOG_IDS is the public id contract: these ids are used exactly as the diagnostic `code`, in
// settings, in suppression comments and in the docs. An id here is never renamed or reused; rules
// may be added beyond it. It is a committed copy of the catalog's id column, in catalog order.
//
// The meta test (test/unit/meta.test.ts) checks that every catalog id is either a rule or listed in
// NOT_IMPLEMENTED (never both), and that every rule outside the catalog is listed in EXTRA_RULES.
// docs/rules.md lists NOT_IMPLEMENTED under "Not implemented yet".

export const CATALOG_IDS: readonly string[] = [
  // Pod and container security context
  'privileged-container',
  'allow-privilege-escalation',
  'run-as-non-root',
  'run-as-root-user',
  'run-as-high-ids',
  'root-group',
  'read-only-root-fs',
  'seccomp-profile-required',
  'seccomp-unconfined',
  'apparmor-override',
  'selinux-custom-options',
  'proc-mount-unmasked',
  'unsafe-sysctls',
  'windows-host-process',
  'probe-host-override',
  'security-context-missing',
  'namespace-psa-label-missing',
  // Capabilities
  'capabilities-drop-all',
  'capabilities-add-restricted',
  'capabilities-add-baseline',
  'cap-sys-admin',
  'net-raw',
  // Host namespaces and volumes
  'host-network',
  'host-pid-ipc',
  'host-port',
  'host-path-volume',
  'sensitive-host-path',
  'container-runtime-socket',
  'writable-host-path',
  'restricted-volume-types',
  // Probes, availability and workload hygiene
  'liveness-probe-missing',
  'readiness-probe-missing',
  'port-reference-errors',
  'replicas-minimum',
  'rolling-update-strategy',
  'spread-replicas',
  'pdb-missing',
  'pdb-blocks-eviction',
  'priority-class',
  'job-lifecycle',
  'duplicate-env-var',
  'selector-template-mismatch',
  'default-namespace',
  // Resources
  'cpu-requests-missing',
  'cpu-limits-missing',
  'memory-requests-missing',
  'memory-limits-missing',
  // Images
  'image-tag-mutable',
  'image-digest-not-pinned',
  'image-pull-policy',
  'untrusted-registry',
  'risky-components',
  // Secrets and configuration
  'secret-in-env-literal',
  'secret-via-env',
  'configmap-sensitive-data',
  'env-ref-missing',
  'host-aliases',
  // Service accounts and RBAC
  'automount-sa-token',
  'default-service-account',
  'deprecated-service-account-field',
  'service-account-not-found',
  'rbac-wildcard',
  'cluster-admin-binding',
  'rbac-secrets-access',
  'rbac-pod-exec-attach',
  'rbac-create-workloads',
  'rbac-escalation-paths',
  'rbac-broad-subject',
  'rbac-other-sensitive',
  // Networking
  'service-type-exposed',
  'service-external-ips',
  'ingress-tls-missing',
  'ingress-nginx-snippets',
  'pod-not-covered-by-networkpolicy',
  'networkpolicy-selects-nothing',
  'sensitive-container-ports',
  // Cross-resource references
  'service-selects-nothing',
  'ingress-backend-missing',
  // Autoscaling (HPA and KEDA)
  'hpa-target-missing',
  'hpa-replica-bounds',
  'hpa-with-static-replicas',
  'pdb-vs-autoscaler',
  'scaledobject-target-missing',
  // Service mesh (Istio)
  'istio-peerauthentication-not-strict',
  'istio-destinationrule-tls',
  'istio-authorizationpolicy-allow-all',
  'istio-policy-selects-nothing',
  'istio-reserved-uid',
  // API versions and schema
  'deprecated-api-version',
  'schema-validation',
  // KubeGuard's own scope
  'secret-data-in-manifest',
  'startup-probe-missing',
  'keda-trigger-inline-secret',
  'istio-sidecar-injection-disabled',
  'scaling-conflict',
  'networkpolicy-allow-all',
  'loadbalancer-source-ranges-missing',
  // The parser's own findings
  'yaml-syntax',
];

export interface NotImplemented {
  /**
   * What the rule waits for: `schemas` = the schema-based checks (Kubernetes API versions and
   * schemas, the custom resources of Istio and KEDA); `workspace` = analysis across files (the
   * objects it compares usually live in different files).
   */
  waitsFor: 'schemas' | 'workspace';
  /** One sentence for docs/rules.md: what the rule needs that KubeGuard does not have yet. */
  reason: string;
}

export const NOT_IMPLEMENTED: Readonly<Record<string, NotImplemented>> = {};

/** Rules KubeGuard has beyond the catalog, each with why it exists. None at the moment. */
export const EXTRA_RULES: Readonly<Record<string, string>> = {};
