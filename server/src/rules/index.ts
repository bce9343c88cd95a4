// The rule library: one line per rule, in catalog order. A meta test checks that this list, the
// rule files, the fixtures and the docs match one to one.
import type { Rule } from '../engine/rule.ts';
import allowPrivilegeEscalation from './allow-privilege-escalation.ts';
import apparmorOverride from './apparmor-override.ts';
import automountSaToken from './automount-sa-token.ts';
import capSysAdmin from './cap-sys-admin.ts';
import capabilitiesAddBaseline from './capabilities-add-baseline.ts';
import capabilitiesAddRestricted from './capabilities-add-restricted.ts';
import capabilitiesDropAll from './capabilities-drop-all.ts';
import clusterAdminBinding from './cluster-admin-binding.ts';
import configmapSensitiveData from './configmap-sensitive-data.ts';
import containerRuntimeSocket from './container-runtime-socket.ts';
import cpuLimitsMissing from './cpu-limits-missing.ts';
import cpuRequestsMissing from './cpu-requests-missing.ts';
import defaultNamespace from './default-namespace.ts';
import defaultServiceAccount from './default-service-account.ts';
import deprecatedApiVersion from './deprecated-api-version.ts';
import deprecatedServiceAccountField from './deprecated-service-account-field.ts';
import duplicateEnvVar from './duplicate-env-var.ts';
import envRefMissing from './env-ref-missing.ts';
import hostAliases from './host-aliases.ts';
import hostNetwork from './host-network.ts';
import hostPathVolume from './host-path-volume.ts';
import hostPidIpc from './host-pid-ipc.ts';
import hostPort from './host-port.ts';
import hpaReplicaBounds from './hpa-replica-bounds.ts';
import hpaTargetMissing from './hpa-target-missing.ts';
import hpaWithStaticReplicas from './hpa-with-static-replicas.ts';
import imageDigestNotPinned from './image-digest-not-pinned.ts';
import imagePullPolicy from './image-pull-policy.ts';
import imageTagMutable from './image-tag-mutable.ts';
import ingressBackendMissing from './ingress-backend-missing.ts';
import ingressNginxSnippets from './ingress-nginx-snippets.ts';
import ingressTlsMissing from './ingress-tls-missing.ts';
import istioAuthorizationpolicyAllowAll from './istio-authorizationpolicy-allow-all.ts';
import istioDestinationruleTls from './istio-destinationrule-tls.ts';
import istioPeerauthenticationNotStrict from './istio-peerauthentication-not-strict.ts';
import istioPolicySelectsNothing from './istio-policy-selects-nothing.ts';
import istioReservedUid from './istio-reserved-uid.ts';
import istioSidecarInjectionDisabled from './istio-sidecar-injection-disabled.ts';
import jobLifecycle from './job-lifecycle.ts';
import kedaTriggerInlineSecret from './keda-trigger-inline-secret.ts';
import livenessProbeMissing from './liveness-probe-missing.ts';
import loadbalancerSourceRangesMissing from './loadbalancer-source-ranges-missing.ts';
import memoryLimitsMissing from './memory-limits-missing.ts';
import memoryRequestsMissing from './memory-requests-missing.ts';
import namespacePsaLabelMissing from './namespace-psa-label-missing.ts';
import netRaw from './net-raw.ts';
import networkpolicyAllowAll from './networkpolicy-allow-all.ts';
import networkpolicySelectsNothing from './networkpolicy-selects-nothing.ts';
import pdbBlocksEviction from './pdb-blocks-eviction.ts';
import pdbMissing from './pdb-missing.ts';
import pdbVsAutoscaler from './pdb-vs-autoscaler.ts';
import podNotCoveredByNetworkpolicy from './pod-not-covered-by-networkpolicy.ts';
import portReferenceErrors from './port-reference-errors.ts';
import priorityClass from './priority-class.ts';
import privilegedContainer from './privileged-container.ts';
import probeHostOverride from './probe-host-override.ts';
import procMountUnmasked from './proc-mount-unmasked.ts';
import rbacBroadSubject from './rbac-broad-subject.ts';
import rbacCreateWorkloads from './rbac-create-workloads.ts';
import rbacEscalationPaths from './rbac-escalation-paths.ts';
import rbacOtherSensitive from './rbac-other-sensitive.ts';
import rbacPodExecAttach from './rbac-pod-exec-attach.ts';
import rbacSecretsAccess from './rbac-secrets-access.ts';
import rbacWildcard from './rbac-wildcard.ts';
import readOnlyRootFs from './read-only-root-fs.ts';
import readinessProbeMissing from './readiness-probe-missing.ts';
import replicasMinimum from './replicas-minimum.ts';
import restrictedVolumeTypes from './restricted-volume-types.ts';
import riskyComponents from './risky-components.ts';
import rollingUpdateStrategy from './rolling-update-strategy.ts';
import rootGroup from './root-group.ts';
import runAsHighIds from './run-as-high-ids.ts';
import runAsNonRoot from './run-as-non-root.ts';
import runAsRootUser from './run-as-root-user.ts';
import scaledobjectTargetMissing from './scaledobject-target-missing.ts';
import scalingConflict from './scaling-conflict.ts';
import schemaValidation from './schema-validation.ts';
import seccompProfileRequired from './seccomp-profile-required.ts';
import seccompUnconfined from './seccomp-unconfined.ts';
import secretDataInManifest from './secret-data-in-manifest.ts';
import secretInEnvLiteral from './secret-in-env-literal.ts';
import secretViaEnv from './secret-via-env.ts';
import securityContextMissing from './security-context-missing.ts';
import selectorTemplateMismatch from './selector-template-mismatch.ts';
import selinuxCustomOptions from './selinux-custom-options.ts';
import sensitiveContainerPorts from './sensitive-container-ports.ts';
import sensitiveHostPath from './sensitive-host-path.ts';
import serviceAccountNotFound from './service-account-not-found.ts';
import serviceExternalIps from './service-external-ips.ts';
import serviceSelectsNothing from './service-selects-nothing.ts';
import serviceTypeExposed from './service-type-exposed.ts';
import spreadReplicas from './spread-replicas.ts';
import startupProbeMissing from './startup-probe-missing.ts';
import unsafeSysctls from './unsafe-sysctls.ts';
import untrustedRegistry from './untrusted-registry.ts';
import windowsHostProcess from './windows-host-process.ts';
import writableHostPath from './writable-host-path.ts';
import { yamlSyntaxRule as yamlSyntax } from './yaml-syntax.ts';

export const RULES: readonly Rule[] = [
  allowPrivilegeEscalation,
  apparmorOverride,
  automountSaToken,
  capSysAdmin,
  capabilitiesAddBaseline,
  capabilitiesAddRestricted,
  capabilitiesDropAll,
  clusterAdminBinding,
  configmapSensitiveData,
  containerRuntimeSocket,
  cpuLimitsMissing,
  cpuRequestsMissing,
  defaultNamespace,
  defaultServiceAccount,
  deprecatedApiVersion,
  deprecatedServiceAccountField,
  duplicateEnvVar,
  envRefMissing,
  hostAliases,
  hostNetwork,
  hostPathVolume,
  hostPidIpc,
  hostPort,
  hpaReplicaBounds,
  hpaTargetMissing,
  hpaWithStaticReplicas,
  imageDigestNotPinned,
  imagePullPolicy,
  imageTagMutable,
  ingressBackendMissing,
  ingressNginxSnippets,
  ingressTlsMissing,
  istioAuthorizationpolicyAllowAll,
  istioDestinationruleTls,
  istioPeerauthenticationNotStrict,
  istioPolicySelectsNothing,
  istioReservedUid,
  istioSidecarInjectionDisabled,
  jobLifecycle,
  kedaTriggerInlineSecret,
  livenessProbeMissing,
  loadbalancerSourceRangesMissing,
  memoryLimitsMissing,
  memoryRequestsMissing,
  namespacePsaLabelMissing,
  netRaw,
  networkpolicyAllowAll,
  networkpolicySelectsNothing,
  pdbBlocksEviction,
  pdbMissing,
  pdbVsAutoscaler,
  podNotCoveredByNetworkpolicy,
  portReferenceErrors,
  priorityClass,
  privilegedContainer,
  probeHostOverride,
  procMountUnmasked,
  rbacBroadSubject,
  rbacCreateWorkloads,
  rbacEscalationPaths,
  rbacOtherSensitive,
  rbacPodExecAttach,
  rbacSecretsAccess,
  rbacWildcard,
  readOnlyRootFs,
  readinessProbeMissing,
  replicasMinimum,
  restrictedVolumeTypes,
  riskyComponents,
  rollingUpdateStrategy,
  rootGroup,
  runAsHighIds,
  runAsNonRoot,
  runAsRootUser,
  scaledobjectTargetMissing,
  scalingConflict,
  schemaValidation,
  seccompProfileRequired,
  seccompUnconfined,
  secretDataInManifest,
  secretInEnvLiteral,
  secretViaEnv,
  securityContextMissing,
  selectorTemplateMismatch,
  selinuxCustomOptions,
  sensitiveContainerPorts,
  sensitiveHostPath,
  serviceAccountNotFound,
  serviceExternalIps,
  serviceSelectsNothing,
  serviceTypeExposed,
  spreadReplicas,
  startupProbeMissing,
  unsafeSysctls,
  untrustedRegistry,
  windowsHostProcess,
  writableHostPath,
  yamlSyntax,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));
