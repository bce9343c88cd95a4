// The one table of where each workload kind keeps its pod template.

export interface WorkloadKind {
  kind: string;
  /** API groups the kind belongs to ('' is the core group). */
  groups: readonly string[];
  /** Path from the object root to the pod spec. */
  specPath: readonly string[];
  /** Path from the object root to the pod's metadata (labels, annotations). */
  metaPath: readonly string[];
}

const TEMPLATE = { specPath: ['spec', 'template', 'spec'], metaPath: ['spec', 'template', 'metadata'] } as const;

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  { kind: 'Pod', groups: [''], specPath: ['spec'], metaPath: ['metadata'] },
  { kind: 'PodTemplate', groups: [''], specPath: ['template', 'spec'], metaPath: ['template', 'metadata'] },
  { kind: 'ReplicationController', groups: [''], ...TEMPLATE },
  { kind: 'Deployment', groups: ['apps', 'extensions'], ...TEMPLATE },
  { kind: 'ReplicaSet', groups: ['apps', 'extensions'], ...TEMPLATE },
  { kind: 'StatefulSet', groups: ['apps'], ...TEMPLATE },
  { kind: 'DaemonSet', groups: ['apps', 'extensions'], ...TEMPLATE },
  { kind: 'Job', groups: ['batch'], ...TEMPLATE },
  {
    kind: 'CronJob',
    groups: ['batch'],
    specPath: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    metaPath: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
  },
  // OpenShift's DeploymentConfig (also served as plain `v1` by old clusters) and Argo Rollouts.
  { kind: 'DeploymentConfig', groups: ['apps.openshift.io', ''], ...TEMPLATE },
  { kind: 'Rollout', groups: ['argoproj.io'], ...TEMPLATE },
  // KEDA runs a Job per scaling event from this template.
  {
    kind: 'ScaledJob',
    groups: ['keda.sh'],
    specPath: ['spec', 'jobTargetRef', 'template', 'spec'],
    metaPath: ['spec', 'jobTargetRef', 'template', 'metadata'],
  },
];

const BY_KIND = new Map<string, WorkloadKind[]>();
for (const w of WORKLOAD_KINDS) {
  const list = BY_KIND.get(w.kind) ?? [];
  list.push(w);
  BY_KIND.set(w.kind, list);
}

export function workloadKind(group: string, kind: string): WorkloadKind | undefined {
  return BY_KIND.get(kind)?.find((w) => w.groups.includes(group));
}

/** Splits `apps/v1` into group `apps` and version `v1`; `v1` is the core group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
