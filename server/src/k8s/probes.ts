import type { Container, Resource } from './resource.ts';

/** Kinds whose pods run to completion: probes make little sense for them. */
const BATCH_KINDS = new Set(['Job', 'CronJob', 'ScaledJob']);

/** Containers that should have liveness and readiness probes: long-running ones of long-running workloads. */
export function needsProbes(r: Resource, c: Container): boolean {
  if (BATCH_KINDS.has(r.kind)) return false;
  // Bare pods with restartPolicy Never or OnFailure are one-off tasks.
  if (r.kind === 'Pod' && r.pod) {
    const policy = r.view.str(r.view.get(r.pod.node, 'restartPolicy'));
    if (policy === 'Never' || policy === 'OnFailure') return false;
  }
  return c.list === 'containers' || c.isSidecar;
}
