import { podLabels, type Container, type Resource } from '../k8s/resource.ts';
import { defineRule, type ObjectContext } from '../engine/rule.ts';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'];

/** Why a port name is not a valid IANA service name, or undefined when it is. */
export function portNameProblem(name: string): string | undefined {
  if (name.length > 15) return 'is longer than 15 characters';
  if (!/^[a-z0-9-]+$/.test(name)) return 'may contain only lowercase letters, digits and "-"';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not start or end with "-"';
  if (name.includes('--')) return 'must not contain "--"';
  return undefined;
}

function declaredNames(r: Resource, c: Container): Set<string> {
  const names = new Set<string>();
  for (const port of r.view.items(r.view.get(c.node, 'ports'))) {
    const n = r.view.str(r.view.get(port, 'name'));
    if (n) names.add(n);
  }
  return names;
}

function checkObject(ctx: ObjectContext): void {
  const r = ctx.resource;
  const v = r.view;
  if (!r.pod) return;
  const seen = new Map<string, string>();
  for (const c of r.pod.containers) {
    for (const port of v.items(v.get(c.node, 'ports'))) {
      const namePair = v.pair(port, 'name');
      const name = v.str(namePair?.value);
      if (name === undefined) continue;
      const problem = portNameProblem(name);
      if (problem) ctx.report({ at: namePair, part: 'value', messageId: 'invalidName', data: { port: name, problem } });
      const owner = seen.get(name);
      if (owner !== undefined) {
        ctx.report({ at: namePair, part: 'value', messageId: 'duplicateName', data: { port: name, other: owner } });
      } else {
        seen.set(name, c.name);
      }
    }
    const declared = declaredNames(r, c);
    const handlers: { node: unknown; where: string }[] = PROBES.map((p) => ({ node: v.get(c.node, p), where: p }));
    handlers.push({ node: v.at(c.node, ['lifecycle', 'postStart']), where: 'postStart hook' });
    handlers.push({ node: v.at(c.node, ['lifecycle', 'preStop']), where: 'preStop hook' });
    for (const { node, where } of handlers) {
      for (const handler of HANDLERS) {
        const portPair = v.pair(v.get(node, handler), 'port');
        const port = v.value(portPair?.value);
        if (typeof port !== 'string' || declared.has(port)) continue;
        ctx.report({ at: portPair, part: 'value', messageId: 'undeclaredProbePort', data: { port, where, name: c.name } });
      }
    }
  }
}

function selects(selector: Map<string, string>, labels: Map<string, string>): boolean {
  for (const [k, val] of selector) if (labels.get(k) !== val) return false;
  return true;
}

export default defineRule({
  meta: {
    id: 'port-reference-errors',
    title: 'Broken port reference',
    category: 'probes',
    severity: 'error',
    target: 'container',
    description:
      'Probes and Services can name a container port instead of giving its number. A name that no container declares makes the probe fail (and the kubelet restart the container) or leaves the Service with no endpoints; invalid or duplicate names are rejected by the API server.',
    remediation: 'Use a port name the container declares in `ports`, or the port number; keep names unique, lowercase, at most 15 characters.',
    messages: {
      undeclaredProbePort:
        'The {{where}} of container "{{name}}" uses port "{{port}}", but the container declares no port with that name, so the check fails and the kubelet keeps restarting or withholding traffic from the pod. Use a declared port name or the number.',
      invalidName:
        'Port name "{{port}}" {{problem}}; the API server rejects the object. Port names must be valid IANA service names: at most 15 lowercase letters, digits and single dashes.',
      duplicateName:
        'Port name "{{port}}" is already used by container "{{other}}" in this pod; port names must be unique within a pod, so Services and probes cannot tell them apart. Rename one.',
      serviceTargetPort:
        'Service targetPort "{{port}}" matches no container port name in {{workloads}}, which this Service selects, so the Service gets no endpoints for this port and its traffic goes nowhere. Use a declared port name or the number.',
    },
  },
  check: checkObject,
  checkFile(ctx) {
    // A Service naming a target port that none of the workloads it selects in this file declares.
    const workloads = ctx.resources.filter((r) => r.pod);
    if (workloads.length === 0) return;
    for (const svc of ctx.resources) {
      if (svc.kind !== 'Service' || svc.group !== '') continue;
      const v = svc.view;
      const spec = v.get(svc.root, 'spec');
      const selector = new Map<string, string>();
      for (const p of v.pairs(v.get(spec, 'selector'))) {
        const k = v.keyOf(p);
        const val = v.text(p.value);
        if (k !== undefined && val !== undefined) selector.set(k, val);
      }
      if (selector.size === 0) continue;
      const selected = workloads.filter(
        (w) => (w.namespace ?? '') === (svc.namespace ?? '') && selects(selector, podLabels(w)),
      );
      if (selected.length === 0) continue;
      const names = new Set<string>();
      for (const w of selected) for (const c of w.pod!.containers) for (const n of declaredNames(w, c)) names.add(n);
      for (const port of v.items(v.get(spec, 'ports'))) {
        const tp = v.pair(port, 'targetPort');
        const target = v.value(tp?.value);
        if (typeof target !== 'string' || names.has(target)) continue;
        ctx.report(svc, {
          at: tp,
          part: 'value',
          messageId: 'serviceTargetPort',
          data: { port: target, workloads: selected.map((w) => `${w.kind} "${w.name ?? '?'}"`).join(', ') },
        });
      }
    }
  },
});
