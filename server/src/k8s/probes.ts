import type { Fix } from '../engine/rule.ts';
import type { Document } from 'yaml';
import type { EditBuilder, YamlValue } from '../yaml/edit.ts';
import type { AnyNode } from '../yaml/nodes.ts';
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


export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

const HANDLERS = ['httpGet', 'tcpSocket', 'grpc', 'exec'];
/** Unnamed ports that are HTTP by convention. */
const HTTP_PORT_NUMBERS = new Set([80, 3000, 5000, 8000, 8080, 8081, 9000]);

const TIMING: Record<ProbeKind, Record<string, number>> = {
  livenessProbe: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  readinessProbe: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
  startupProbe: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
};

const PATHS: Record<ProbeKind, string> = { livenessProbe: '/healthz', readinessProbe: '/ready', startupProbe: '/healthz' };

export interface ProbePlan {
  value: YamlValue;
  /** What the probe does, for the fix title. */
  summary: string;
}

function toValue(r: Resource, node: unknown): YamlValue {
  const n = r.view.deref(node) as (AnyNode & { toJS?: (doc: Document) => unknown }) | undefined;
  return (n && typeof n.toJS === 'function' ? n.toJS(r.view.doc) : null) as YamlValue;
}

/**
 * A probe for the container: the handler of a probe it already has, else an HTTP GET on a port
 * that looks like HTTP, else a TCP check on its first TCP port, else an exec placeholder that
 * says what to replace. Timing suits the kind; a copied handler never brings the other probe's
 * initial delay with it.
 */
export function planProbe(r: Resource, c: Container, kind: ProbeKind): ProbePlan {
  const v = r.view;
  for (const other of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    if (other === kind) continue;
    const probe = v.map(v.get(c.node, other));
    const handler = HANDLERS.find((h) => v.has(probe, h));
    if (!probe || !handler) continue;
    return {
      value: { [handler]: toValue(r, v.get(probe, handler)), ...TIMING[kind] },
      summary: `the same ${handler} check as the ${other}`,
    };
  }
  const ports = v.items(v.get(c.node, 'ports')).flatMap((p) => {
    const protocol = v.str(v.get(p, 'protocol')) ?? 'TCP';
    const number = v.value(v.get(p, 'containerPort'));
    const name = v.str(v.get(p, 'name'));
    return protocol === 'TCP' && typeof number === 'number' ? [{ number, name }] : [];
  });
  const http = ports.find((p) =>
    p.name ? /http|web/i.test(p.name) && !/metric/i.test(p.name) : HTTP_PORT_NUMBERS.has(p.number),
  );
  if (http) {
    const port = http.name ?? http.number;
    return {
      value: { httpGet: { path: PATHS[kind], port }, ...TIMING[kind] },
      summary: `HTTP GET ${PATHS[kind]} on port ${port}`,
    };
  }
  const first = ports[0];
  if (first) {
    const port = first.name ?? first.number;
    return { value: { tcpSocket: { port }, ...TIMING[kind] }, summary: `a TCP check on port ${port}` };
  }
  return {
    value: {
      exec: { command: ['sh', '-c', 'echo "replace this with a command that fails when the app is unhealthy"'] },
      ...TIMING[kind],
    },
    summary: 'a placeholder command to replace',
  };
}

const KIND_WORD: Record<ProbeKind, string> = { livenessProbe: 'liveness', readinessProbe: 'readiness', startupProbe: 'startup' };

/** Probes this container should have and lacks (an empty `livenessProbe:` counts as missing). */
export function missingProbes(r: Resource, c: Container): ProbeKind[] {
  if (!needsProbes(r, c)) return [];
  return (['livenessProbe', 'readinessProbe'] as const).filter((k) => !r.view.map(r.view.get(c.node, k)));
}

/** The fix adding one probe (or filling an empty `probe:` key). */
export function addProbeFix(r: Resource, c: Container, kind: ProbeKind): Fix {
  const plan = planProbe(r, c, kind);
  return {
    title: `Add a ${KIND_WORD[kind]} probe: ${plan.summary} (check the path and timing suit the app)`,
    safety: 'suggestion',
    apply: (b) => writeProbe(b, c, kind, plan.value),
  };
}

/** One fix adding every probe the container lacks. */
export function addAllProbesFix(r: Resource, c: Container): Fix | undefined {
  const kinds = missingProbes(r, c);
  if (kinds.length < 2) return undefined;
  return {
    title: 'Add all missing probes (liveness and readiness; check the paths and timing suit the app)',
    safety: 'suggestion',
    apply: (b) => {
      for (const kind of kinds) writeProbe(b, c, kind, planProbe(r, c, kind).value);
    },
  };
}

function writeProbe(b: EditBuilder, c: Container, kind: ProbeKind, value: YamlValue): void {
  const pair = b.view.pair(c.node, kind);
  if (pair) b.setValue(pair, value);
  else b.addPair(c.node, kind, value);
}
