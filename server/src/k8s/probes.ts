import { forEachContainer, type Fix, type ObjectContext } from '../engine/rule.ts';
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
/**
 * Unnamed ports that are HTTP by convention. 9000 is not one: it is just as often FastCGI
 * (php-fpm) or a database's native protocol (ClickHouse), where an HTTP GET always fails.
 */
const HTTP_PORT_NUMBERS = new Set([80, 3000, 5000, 8000, 8080, 8081]);

/** A port name that says HTTP: `http`, `web`, `http-api`; not metrics, and not webhooks (served over TLS). */
function httpPortName(name: string): boolean {
  return /http|web/i.test(name) && !/metric|webhook/i.test(name);
}

const TIMING: Record<ProbeKind, Record<string, number>> = {
  livenessProbe: { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  readinessProbe: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
  startupProbe: { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
};

const PATHS: Record<ProbeKind, string> = { livenessProbe: '/healthz', readinessProbe: '/ready', startupProbe: '/healthz' };

const PLACEHOLDER: YamlValue = {
  command: ['sh', '-c', 'echo "replace this with a command that fails when the app is unhealthy"'],
};

export interface ProbePlan {
  value: YamlValue;
  /** What the probe does, for the fix title. */
  summary: string;
  /** What the user should check before relying on it, for the fix title. */
  check: string;
  /** Rules the probe may bring to light (a copied liveness delay is startup-probe-missing's business). */
  reveals?: readonly string[];
}

function toValue(r: Resource, node: unknown): YamlValue {
  const n = r.view.deref(node) as (AnyNode & { toJS?: (doc: Document) => unknown }) | undefined;
  return (n && typeof n.toJS === 'function' ? n.toJS(r.view.doc) : null) as YamlValue;
}

/** A positive whole number of seconds set on `probe`, if any. */
function seconds(r: Resource, probe: unknown, key: string): number | undefined {
  const n = r.view.value(r.view.get(probe, key));
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * A probe for the container: the handler of a probe it already has, else an HTTP GET on a port
 * that looks like HTTP (HTTPS on a port named so), else a TCP check on its first TCP port (not
 * a metrics one when it has another), else an exec placeholder that says what to replace.
 * Timing suits the kind; a copied handler keeps its timeout (a slow endpoint stays slow), and
 * brings the other probe's initial delay only into a liveness probe of a container without a
 * startup probe, which would otherwise restart a container that is still starting.
 */
export function planProbe(r: Resource, c: Container, kind: ProbeKind): ProbePlan {
  const v = r.view;
  for (const other of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    if (other === kind) continue;
    const probe = v.map(v.get(c.node, other));
    const handler = HANDLERS.find((h) => v.has(probe, h));
    if (!probe || !handler) continue;
    const value: { [key: string]: YamlValue } = { [handler]: toValue(r, v.get(probe, handler)) };
    const delay = seconds(r, probe, 'initialDelaySeconds');
    const startup = v.map(v.get(c.node, 'startupProbe'));
    const keepDelay = kind === 'livenessProbe' && delay !== undefined && !startup;
    if (keepDelay) value.initialDelaySeconds = delay;
    Object.assign(value, TIMING[kind]);
    const timeout = seconds(r, probe, 'timeoutSeconds');
    if (timeout !== undefined) value.timeoutSeconds = timeout;
    return {
      value,
      summary: `the same ${handler} check as the ${other}${keepDelay ? `, after its ${delay}s delay` : ''}`,
      check: handler === 'httpGet' ? 'check the endpoint and timing suit this probe' : 'check the timing suits this probe',
      ...(keepDelay ? { reveals: ['startup-probe-missing'] } : {}),
    };
  }
  const ports = v.items(v.get(c.node, 'ports')).flatMap((p) => {
    const protocol = v.str(v.get(p, 'protocol')) ?? 'TCP';
    const number = v.value(v.get(p, 'containerPort'));
    const name = v.str(v.get(p, 'name'));
    return protocol === 'TCP' && typeof number === 'number' ? [{ number, name }] : [];
  });
  const http = ports.find((p) => (p.name ? httpPortName(p.name) : HTTP_PORT_NUMBERS.has(p.number)));
  if (http) {
    const port = http.name ?? http.number;
    // The kubelet does not verify the certificate, so HTTPS needs nothing but the scheme.
    const https = http.name !== undefined && /https/i.test(http.name);
    return {
      value: { httpGet: https ? { path: PATHS[kind], port, scheme: 'HTTPS' } : { path: PATHS[kind], port }, ...TIMING[kind] },
      summary: `${https ? 'HTTPS' : 'HTTP'} GET ${PATHS[kind]} on port ${port}`,
      check: 'check the path and timing suit the app',
    };
  }
  // The port that serves the app, not the one that exports its metrics, when there is a choice.
  const first = ports.find((p) => !/metric/i.test(p.name ?? '')) ?? ports[0];
  if (first) {
    const port = first.name ?? first.number;
    return {
      value: { tcpSocket: { port }, ...TIMING[kind] },
      summary: `a TCP check on port ${port}`,
      check: 'check the port and timing suit the app',
    };
  }
  return {
    value: { exec: PLACEHOLDER, ...TIMING[kind] },
    summary: 'a placeholder `sh -c` command that always passes',
    check: 'replace it with a real health check; the image needs `sh`',
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
    title: `Add a ${KIND_WORD[kind]} probe: ${plan.summary} (${plan.check})`,
    safety: 'suggestion',
    apply: (b) => writeProbe(b, c, kind, plan.value),
    ...(plan.reveals ? { reveals: plan.reveals } : {}),
  };
}

/** One fix adding every probe the container lacks. */
export function addAllProbesFix(r: Resource, c: Container): Fix | undefined {
  const kinds = missingProbes(r, c);
  if (kinds.length < 2) return undefined;
  const plans = kinds.map((kind) => planProbe(r, c, kind));
  const [first, second] = plans as [ProbePlan, ProbePlan];
  // Both come from the container's ports (no probe to copy): say it once where they agree.
  const paths = /^(HTTPS?) GET (\S+) (on port .*)$/;
  const a = paths.exec(first.summary);
  const b = paths.exec(second.summary);
  const summary =
    first.summary === second.summary
      ? first.summary
      : a && b && a[1] === b[1] && a[3] === b[3]
        ? `${a[1]} GET ${a[2]} and ${b[2]} ${a[3]}`
        : `${first.summary}; ${second.summary}`;
  return {
    title: `Add liveness and readiness probes: ${summary} (${first.check})`,
    safety: 'suggestion',
    apply: (b) => {
      kinds.forEach((kind, i) => writeProbe(b, c, kind, plans[i]!.value));
    },
  };
}

function writeProbe(b: EditBuilder, c: Container, kind: ProbeKind, value: YamlValue): void {
  const pair = b.view.pair(c.node, kind);
  if (pair) b.setValue(pair, value);
  else b.addPair(c.node, kind, value);
}

/** The check liveness-probe-missing and readiness-probe-missing share, for one probe kind. */
export function checkMissingProbe(ctx: ObjectContext, kind: 'livenessProbe' | 'readinessProbe'): void {
  forEachContainer(ctx, (c, _pod, r) => {
    if (!needsProbes(r, c)) return;
    const probe = r.view.pair(c.node, kind);
    if (r.view.map(probe?.value)) return;
    // A probe key left empty (null) is no probe at all; underline that key rather than the name.
    const all = addAllProbesFix(r, c);
    ctx.report({
      at: probe ?? c.anchor,
      messageId: 'missing',
      data: { name: c.name },
      fixes: all ? [addProbeFix(r, c, kind), all] : [addProbeFix(r, c, kind)],
    });
  });
}
