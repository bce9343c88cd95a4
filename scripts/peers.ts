// Checks in other Kubernetes linters that flag the same thing as a KubeGuard rule, shown in each
// rule's docs page ("Equivalent rules in other tools"). Data for the docs only; nothing at run time
// reads it.
//
// Every name here was checked against the peers' own test suites (the manifests each check is
// tested with), and every mapping against what those manifests pass and fail:
// - kube-linter: the check name is the file name in kube-linter's tests/checks/.
// - Polaris: the check id is the directory name in Polaris' test/checks/.
// - Checkov: the name of the check's example directory (tests/kubernetes/checks/example_<Name>,
//   or the graph policy's directory); a CKV_K8S id only where the test files state it. A few
//   example directories serve several checks (Requests_Limits, LivenessReadiness, ShareHost): the
//   note says so.
// - kube-score: only check ids that its test manifests name (in `kube-score/enable` annotations).
// - Trivy (trivy-checks): the check id under which its examples are run.
// A check that covers only part of a rule, or more than it, is listed with a note saying how it
// differs. Where no peer check is close enough, the list is empty: a wrong equivalence is worse
// than none. The meta test checks that the keys are exactly the rule ids.

export type PeerTool = 'kube-linter' | 'Polaris' | 'Checkov' | 'kube-score' | 'Trivy';

export const PEER_TOOLS: readonly PeerTool[] = ['kube-linter', 'Polaris', 'Checkov', 'kube-score', 'Trivy'];

export interface PeerCheck {
  tool: PeerTool;
  /** The check's name or id, exactly as the peer spells it. */
  check: string;
  /** How the peer check differs from the rule, when it does in a way a user would notice. */
  note?: string;
}

const kl = (check: string, note?: string): PeerCheck => ({ tool: 'kube-linter', check, ...(note ? { note } : {}) });
const po = (check: string, note?: string): PeerCheck => ({ tool: 'Polaris', check, ...(note ? { note } : {}) });
const ck = (check: string, note?: string): PeerCheck => ({ tool: 'Checkov', check, ...(note ? { note } : {}) });
const ks = (check: string, note?: string): PeerCheck => ({ tool: 'kube-score', check, ...(note ? { note } : {}) });
const tr = (check: string, note?: string): PeerCheck => ({ tool: 'Trivy', check, ...(note ? { note } : {}) });

const SHARED_RESOURCES = 'the name of the test examples shared by its CPU and memory request and limit checks';
const SHARED_PROBES = 'the name of the test examples shared by its liveness and readiness probe checks';
const SHARED_HOST = 'the name of the test examples shared by its host PID, IPC and network checks';
const REPORTS_BINDING = 'flags the binding, not the role';
const ANY_CAPABILITY = 'flags every added capability, NET_BIND_SERVICE included';

export const PEERS: Readonly<Record<string, readonly PeerCheck[]>> = {
  'allow-privilege-escalation': [
    kl('privilege-escalation-container'),
    po('privilegeEscalationAllowed'),
    ck('AllowPrivilegeEscalation'),
    tr('KSV-0001'),
  ],
  'apparmor-override': [tr('KSV-0002')],
  'automount-sa-token': [po('automountServiceAccountToken'), ck('ServiceAccountTokens')],
  'cap-sys-admin': [ck('AllowedCapabilitiesSysAdmin'), tr('KSV-0005')],
  'capabilities-add-baseline': [po('dangerousCapabilities', 'a shorter list of capabilities, such as ALL and NET_ADMIN')],
  'capabilities-add-restricted': [ck('AllowedCapabilities', ANY_CAPABILITY), tr('KSV-0022', ANY_CAPABILITY)],
  'capabilities-drop-all': [
    po('insecureCapabilities', 'also accepts dropping a list of specific capabilities instead of ALL'),
    tr('KSV-0003'),
  ],
  'cluster-admin-binding': [
    kl('cluster-admin-role-binding'),
    po('clusterrolebindingClusterAdmin'),
    po('rolebindingClusterAdminClusterRole'),
    po('rolebindingClusterAdminRole'),
  ],
  'configmap-sensitive-data': [po('sensitiveConfigmapContent'), tr('KSV-0109')],
  'container-runtime-socket': [kl('docker-sock'), ck('DockerSocketVolume'), tr('KSV-0006')],
  'cpu-limits-missing': [po('cpuLimitsMissing'), ck('CKV_K8S_11'), tr('KSV-0011')],
  'cpu-requests-missing': [kl('unset-cpu-requirements'), po('cpuRequestsMissing'), ck('Requests_Limits', SHARED_RESOURCES), tr('KSV-0015')],
  'default-namespace': [kl('use-namespace'), ck('DefaultNamespace')],
  'default-service-account': [
    kl('default-service-account'),
    ck('DefaultServiceAccount', 'the `default` ServiceAccount without automount turned off'),
    ck('DefaultServiceAccountBinding', 'role bindings to the `default` ServiceAccount'),
  ],
  'deprecated-api-version': [kl('no-extensions-v1beta', 'only `extensions/v1beta1`')],
  'deprecated-service-account-field': [kl('deprecated-service-account-field')],
  'duplicate-env-var': [kl('duplicate-env-var')],
  'env-ref-missing': [],
  'host-aliases': [],
  'host-network': [kl('host-network'), po('hostNetworkSet'), ck('ShareHost', SHARED_HOST), tr('KSV-0009')],
  'host-path-volume': [po('hostPathSet'), tr('KSV-0023')],
  'host-pid-ipc': [
    kl('host-pid'),
    kl('host-ipc'),
    po('hostPIDSet'),
    po('hostIPCSet'),
    ck('ShareHost', SHARED_HOST),
    tr('KSV-0008', 'host IPC'),
    tr('KSV-0010', 'host PID'),
  ],
  'host-port': [po('hostPortSet'), ck('HostPort'), tr('KSV-0024')],
  'hpa-replica-bounds': [kl('hpa-minimum-three-replicas', 'uses a minimum of 3'), po('hpaMinAvailability', 'does not flag an unset minReplicas'), po('hpaMaxAvailability')],
  'hpa-target-missing': [kl('dangling-hpa', 'also when no workload is in the linted files')],
  'hpa-with-static-replicas': [],
  'image-digest-not-pinned': [ck('ImageDigest')],
  'image-pull-policy': [po('pullPolicyNotAlways'), ck('ImagePullPolicy')],
  'image-tag-mutable': [kl('latest-tag'), po('tagNotSpecified'), ck('ImageTagFixed'), tr('KSV-0013')],
  'ingress-backend-missing': [kl('dangling-ingress', 'also when no Service or workload of the namespace is in the linted files')],
  'ingress-nginx-snippets': [ck('NginxIngressCVE202125742')],
  'ingress-tls-missing': [po('tlsSettingsMissing')],
  'istio-authorizationpolicy-allow-all': [],
  'istio-destinationrule-tls': [],
  'istio-peerauthentication-not-strict': [],
  'istio-policy-selects-nothing': [],
  'istio-reserved-uid': [],
  'istio-sidecar-injection-disabled': [],
  'job-lifecycle': [kl('job-ttl-seconds-after-finished', 'only the Job’s `ttlSecondsAfterFinished`')],
  'keda-trigger-inline-secret': [],
  'liveness-probe-missing': [kl('no-liveness-probe'), po('livenessProbeMissing'), ck('LivenessReadiness', SHARED_PROBES)],
  'loadbalancer-source-ranges-missing': [],
  'memory-limits-missing': [po('memoryLimitsMissing'), ck('Requests_Limits', SHARED_RESOURCES), tr('KSV-0018')],
  'memory-requests-missing': [kl('unset-memory-requirements'), po('memoryRequestsMissing'), ck('Requests_Limits', SHARED_RESOURCES), tr('KSV-0016')],
  'namespace-psa-label-missing': [],
  'net-raw': [
    kl('drop-net-raw-capability'),
    ck('DropCapabilities'),
  ],
  'networkpolicy-allow-all': [],
  'networkpolicy-selects-nothing': [kl('dangling-networkpolicy', 'also when no workload of the namespace is in the linted files')],
  'pdb-blocks-eviction': [
    kl('pdb-max-unavailable'),
    kl('pdb-min-available', 'compares `minAvailable` with the replicas of the selected workload or its autoscaler'),
    po('pdbDisruptionsIsZero'),
  ],
  'pdb-missing': [po('missingPodDisruptionBudget', 'also for a single replica')],
  'pdb-vs-autoscaler': [po('pdbMinAvailableGreaterThanHPAMinReplicas', 'only a `minAvailable` above `minReplicas` (equal passes), and HPAs only')],
  'pod-not-covered-by-networkpolicy': [
    kl('non-isolated-pod'),
    po('missingNetworkPolicy', 'also wants policies with both ingress and egress rules'),
    ck('RequireAllPodsToHaveNetworkPolicy'),
  ],
  'port-reference-errors': [
    kl('liveness-port', 'the liveness probe’s port'),
    kl('readiness-port', 'the readiness probe’s port'),
    kl('startup-port', 'the startup probe’s port'),
    kl('invalid-target-ports', 'Service target ports and container port names'),
    ks('container-ports-check', 'optional; port names and missing `containerPort`'),
  ],
  'priority-class': [
    kl('priority-class-name', 'names outside an allow-list'),
    po('priorityClassNotSet', 'a missing `priorityClassName`'),
  ],
  'privileged-container': [kl('privileged-container'), po('runAsPrivileged'), ck('PrivilegedContainers'), tr('KSV-0017')],
  'probe-host-override': [],
  'proc-mount-unmasked': [kl('unsafe-proc-mount'), po('procMount'), tr('KSV-0027')],
  'rbac-broad-subject': [],
  'rbac-create-workloads': [kl('access-to-create-pods', 'pods only')],
  'rbac-escalation-paths': [
    ck('RbacBindRoleBindings'),
    ck('RbacEscalateRoles'),
    ck('RbacApproveCertificateSigningRequests'),
    ck('RbacControlWebhooks'),
    ck('ImpersonatePermissions'),
    ck('RoleBindingPE', 'rights to change role bindings'),
    ck('NoCreateNodesProxyOrPodsExec', 'also covers `pods/exec`'),
  ],
  'rbac-other-sensitive': [ck('ModifyServicesStatus', 'only `services/status`')],
  'rbac-pod-exec-attach': [
    po('clusterrolePodExecAttach'),
    po('rolePodExecAttach'),
    po('clusterrolebindingPodExecAttach', REPORTS_BINDING),
    po('rolebindingClusterRolePodExecAttach', REPORTS_BINDING),
    po('rolebindingRolePodExecAttach', REPORTS_BINDING),
    ck('NoCreateNodesProxyOrPodsExec', 'also covers `nodes/proxy`'),
  ],
  'rbac-secrets-access': [kl('access-to-secrets'), ck('ReadAllSecrets')],
  'rbac-wildcard': [kl('wildcard-in-rules'), ck('WildcardRoles')],
  'read-only-root-fs': [kl('no-read-only-root-fs'), po('notReadOnlyRootFilesystem'), ck('ReadOnlyFilesystem'), tr('KSV-0014')],
  'readiness-probe-missing': [kl('no-readiness-probe'), po('readinessProbeMissing'), ck('LivenessReadiness', SHARED_PROBES)],
  'replicas-minimum': [kl('minimum-three-replicas', 'threshold 3'), po('deploymentMissingReplicas')],
  'restricted-volume-types': [tr('KSV-0028')],
  'risky-components': [ck('Tiller'), ck('TillerService'), ck('KubernetesDashboard'), tr('KSV-0102', 'Tiller only')],
  'rolling-update-strategy': [kl('no-rolling-update-strategy')],
  'root-group': [],
  'run-as-high-ids': [ck('RootContainersHighUID'), tr('KSV-0020', 'user id'), tr('KSV-0021', 'group id')],
  'run-as-non-root': [kl('run-as-non-root'), po('runAsRootAllowed'), ck('RootContainers'), tr('KSV-0012')],
  'run-as-root-user': [],
  'scaledobject-target-missing': [],
  'scaling-conflict': [],
  'seccomp-profile-required': [ck('Seccomp'), ks('container-seccomp-profile', 'optional'), tr('KSV-0030')],
  'seccomp-unconfined': [],
  'schema-validation': [],
  'secret-data-in-manifest': [],
  'secret-in-env-literal': [kl('env-var-secret'), po('sensitiveContainerEnvVar')],
  'secret-via-env': [kl('read-secret-from-env-var'), ck('Secrets')],
  'security-context-missing': [ck('SecurityContexts', 'wants one on the pod and on each container')],
  'selector-template-mismatch': [kl('mismatching-selector')],
  'selinux-custom-options': [tr('KSV-0025')],
  'sensitive-container-ports': [kl('ssh-port', 'port 22 only'), kl('privileged-ports', 'ports below 1024 only')],
  'sensitive-host-path': [kl('sensitive-host-mounts')],
  'service-account-not-found': [kl('non-existent-service-account', 'also when no ServiceAccount is in the linted files')],
  'service-external-ips': [],
  'service-selects-nothing': [kl('dangling-service', 'also when no workload of the namespace is in the linted files')],
  'service-type-exposed': [kl('exposed-services')],
  'spread-replicas': [kl('no-anti-affinity'), po('topologySpreadConstraint', 'also for a single replica')],
  'startup-probe-missing': [],
  'unsafe-sysctls': [kl('unsafe-sysctls'), tr('KSV-0026')],
  'untrusted-registry': [],
  'windows-host-process': [po('hostProcess')],
  'writable-host-path': [kl('writable-host-mount')],
  'yaml-syntax': [],
};
