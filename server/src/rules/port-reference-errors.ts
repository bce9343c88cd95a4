import { memoize, podLabels, type Container, type Resource } from '../k8s/resource.ts';
import { namespacesMayMatch } from '../k8s/selectors.ts';
import { defineRule, type FileContext, type Fix, type ObjectContext } from '../engine/rule.ts';

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

/** Where a node starts in the text (containers are compared in the order a reader sees them). */
function startOf(node: unknown): number {
  return (node as { range?: [number, number, number] }).range?.[0] ?? 0;
}

function checkObject(ctx: ObjectContext): void {
  const r = ctx.resource;
  const v = r.view;
  if (!r.pod) return;
  const seen = new Map<string, string>();
  // A port entry reached twice through an alias is still one token: say what is wrong with it once.
  const named = new Set<unknown>();
  // In file order, so the later of two equal names is the one flagged, whichever list it is in.
  const containers = [...r.pod.containers].sort((a, b) => startOf(a.node) - startOf(b.node));
  for (const c of containers) {
    const own = new Set<string>();
    for (const port of v.items(v.get(c.node, 'ports'))) {
      const namePair = v.pair(port, 'name');
      const name = v.str(namePair?.value);
      if (name === undefined) continue;
      const problem = portNameProblem(name);
      if (problem && !named.has(namePair)) {
        ctx.report({ at: namePair, part: 'value', messageId: 'invalidName', data: { port: name, problem } });
      }
      named.add(namePair);
      const owner = seen.get(name);
      if (own.has(name)) {
        ctx.report({ at: namePair, part: 'value', messageId: 'duplicateInContainer', data: { port: name, name: c.name } });
      } else if (owner === undefined) {
        seen.set(name, c.name);
      } else {
        ctx.report({ at: namePair, part: 'value', messageId: 'duplicateName', data: { port: name, name: c.name, other: owner } });
      }
      own.add(name);
    }
    const declared = declaredNames(r, c);
    const handlers: { node: unknown; where: string }[] = PROBES.map((p) => ({ node: v.get(c.node, p), where: p }));
    handlers.push({ node: v.at(c.node, ['lifecycle', 'postStart']), where: 'postStart hook' });
    handlers.push({ node: v.at(c.node, ['lifecycle', 'preStop']), where: 'preStop hook' });
    for (const { node, where } of handlers) {
      for (const handler of HANDLERS) {
        const portPair = v.pair(v.get(node, handler), 'port');
        const port = v.value(portPair?.value);
        if (typeof port !== 'string') continue;
        if (/^[0-9]+$/.test(port)) {
          // `port: "8080"`: a string, so a port name (or, for gRPC, not the number it must be),
          // and a name needs a letter. The number without quotes is what was meant.
          const n = Number(port);
          const fixes: Fix[] =
            /^[1-9]/.test(port) && n <= 65535
              ? [{ title: `Write the port as the number ${n}, without quotes`, safety: 'safe', apply: (b) => b.setValue(portPair!, n) }]
              : [];
          const messageId = handler === 'grpc' ? 'grpcQuotedNumber' : 'quotedNumber';
          ctx.report({ at: portPair, part: 'value', messageId, data: { port, where, name: c.name }, fixes });
          continue;
        }
        if (handler === 'grpc') {
          // grpc.port is a plain number in the API: a name is rejected even when the container declares it.
          ctx.report({ at: portPair, part: 'value', messageId: 'grpcPortName', data: { port, where, name: c.name } });
          continue;
        }
        if (declared.has(port)) continue;
        ctx.report({ at: portPair, part: 'value', messageId: 'undeclaredProbePort', data: { port, where, name: c.name } });
      }
    }
  }
}

/** Workloads by namespace ('' for none), then label, then value, for one run of the file rule. */
type LabelIndex = Map<string, Map<string, Map<string, Resource[]>>>;

function workloadLabel(w: Resource): string {
  return `${w.kind} "${w.name ?? '?'}"`;
}

function addToIndex(index: LabelIndex, r: Resource, add: boolean): void {
  if (!r.pod) return;
  const ns = r.namespace || '';
  let byKey = index.get(ns);
  if (!byKey) index.set(ns, (byKey = new Map()));
  for (const [k, val] of podLabels(r)) {
    let byValue = byKey.get(k);
    if (!byValue) byKey.set(k, (byValue = new Map()));
    const list = byValue.get(val) ?? [];
    if (add) list.push(r);
    else {
      const i = list.indexOf(r);
      if (i >= 0) list.splice(i, 1);
    }
    if (list.length > 0) byValue.set(val, list);
    else byValue.delete(val);
  }
}

/** The label index, kept up to date from the changes between runs. */
function updatedIndex(ctx: FileContext): LabelIndex {
  let index = ctx.state.get('labels') as LabelIndex | undefined;
  if (!index || !ctx.changes) {
    index = new Map();
    for (const r of ctx.resources) addToIndex(index, r, true);
    ctx.state.set('labels', index);
    return index;
  }
  for (const r of ctx.changes.removed) addToIndex(index, r, false);
  for (const r of ctx.changes.added) addToIndex(index, r, true);
  return index;
}

/** A Service's selector, when it has one and names at least one target port (else undefined). */
function serviceSummary(svc: Resource): { selector: ReadonlyMap<string, string> } | undefined {
  return memoize(svc, 'port-reference-errors:service', () => {
    const v = svc.view;
    const spec = v.get(svc.root, 'spec');
    const named = v.items(v.get(spec, 'ports')).some((port) => typeof v.value(v.get(port, 'targetPort')) === 'string');
    if (!named) return undefined;
    const selector = new Map<string, string>();
    for (const p of v.pairs(v.get(spec, 'selector'))) {
      const k = v.keyOf(p);
      const val = v.text(p.value);
      if (k !== undefined && val !== undefined) selector.set(k, val);
    }
    return selector.size > 0 ? { selector } : undefined;
  });
}

/**
 * Port names a Service can target, with their protocols: the endpoints controller looks only at
 * app containers and native sidecars, and only at ports whose protocol equals the Service port's.
 */
function targetableNames(r: Resource): Map<string, Set<string>> {
  return memoize(r, 'port-reference-errors:targetable', () => readTargetableNames(r));
}

function readTargetableNames(r: Resource): Map<string, Set<string>> {
  const v = r.view;
  const names = new Map<string, Set<string>>();
  for (const c of r.pod?.containers ?? []) {
    if (c.list !== 'containers' && !c.isSidecar) continue;
    for (const port of v.items(v.get(c.node, 'ports'))) {
      const n = v.str(v.get(port, 'name'));
      if (!n) continue;
      const protocols = names.get(n) ?? new Set<string>();
      protocols.add(v.str(v.get(port, 'protocol')) ?? 'TCP');
      names.set(n, protocols);
    }
  }
  return names;
}

/** The plain (run-to-completion) init container that declares `name`, if one does. */
function initOnlyName(workloads: readonly Resource[], name: string): string | undefined {
  for (const w of workloads) {
    for (const c of w.pod?.containers ?? []) {
      if (c.list === 'initContainers' && !c.isSidecar && declaredNames(w, c).has(name)) return c.name;
    }
  }
  return undefined;
}

/**
 * Workloads with `key: value` among their pod labels that may share the Service's namespace: an
 * object without a namespace gets one at apply time, so it meets objects of every namespace.
 */
function candidatesFor(index: LabelIndex, namespace: string | undefined, key: string, value: string): Resource[] {
  const found: Resource[] = [];
  for (const [ns, byKey] of index) {
    if (!namespacesMayMatch(ns, namespace)) continue;
    found.push(...(byKey.get(key)?.get(value) ?? []));
  }
  return found;
}

function selects(selector: ReadonlyMap<string, string>, labels: ReadonlyMap<string, string>): boolean {
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
      quotedNumber:
        'The {{where}} of container "{{name}}" gives port "{{port}}" in quotes, so it is a string, and a string port is a port name: the API server rejects "{{port}}" because a port name must contain a letter. Write the number without quotes.',
      grpcQuotedNumber:
        'The {{where}} of container "{{name}}" gives its gRPC check the port "{{port}}" in quotes, so it is a string, but `grpc.port` takes only a number; the API server rejects the object. Write the number without quotes.',
      grpcPortName:
        'The {{where}} of container "{{name}}" gives its gRPC check the port name "{{port}}", but `grpc.port` takes only a number; the API server rejects the object. Use the port number.',
      invalidName:
        'Port name "{{port}}" {{problem}}; the API server rejects the object. Port names must be valid IANA service names: at most 15 lowercase letters, digits and single dashes.',
      duplicateName:
        'Port name "{{port}}" of container "{{name}}" is already used by container "{{other}}" in this pod; port names must be unique within a pod, so Services cannot tell them apart. Rename one.',
      duplicateInContainer:
        'Port name "{{port}}" is declared twice in container "{{name}}"; the API server rejects duplicate port names in a container. Rename one.',
      serviceTargetPort:
        'Service targetPort "{{port}}" matches no container port name in {{workloads}}, which this Service selects, so the Service gets no endpoints for this port and its traffic goes nowhere. Use a declared port name or the number.',
      serviceTargetInit:
        'Service targetPort "{{port}}" is declared only by init container "{{container}}" of {{workloads}}; Services send traffic only to app containers and native sidecars, so the Service gets no endpoints for this port. Declare the port on the container that serves it.',
      serviceTargetProtocol:
        'Service targetPort "{{port}}" names a {{declared}} container port in {{workloads}}, but this Service port uses {{protocol}}; a named target must match the protocol too, so the Service gets no endpoints for this port. Set `protocol: {{declared}}` on the Service port or target a {{protocol}} port.',
    },
  },
  check: checkObject,
  checkFile(ctx) {
    // A Service naming a target port that none of the workloads it selects in this file declares.
    // Runs on every keystroke, so per-object summaries are memoized and workloads are indexed
    // by label: the cost is one lookup per Service, not a scan of every workload.
    const index = updatedIndex(ctx);
    for (const svc of ctx.resources) {
      if (svc.kind !== 'Service' || svc.group !== '') continue;
      const summary = serviceSummary(svc);
      if (!summary) continue;
      const selector = summary.selector;
      const [firstKey, firstValue] = selector.entries().next().value as [string, string];
      const candidates = candidatesFor(index, svc.namespace, firstKey, firstValue);
      // Sorted by name: the index's order depends on the order of edits, the message must not.
      const selected = candidates
        .filter((w) => selects(selector, podLabels(w)))
        .sort((x, y) => workloadLabel(x).localeCompare(workloadLabel(y)));
      if (selected.length === 0) continue;
      const v = svc.view;
      const spec = v.get(svc.root, 'spec');
      const names = new Map<string, Set<string>>();
      for (const w of selected) {
        for (const [n, protocols] of targetableNames(w)) {
          const all = names.get(n) ?? new Set<string>();
          for (const p of protocols) all.add(p);
          names.set(n, all);
        }
      }
      const selectedNames = selected.map(workloadLabel).join(', ');
      for (const port of v.items(v.get(spec, 'ports'))) {
        const tp = v.pair(port, 'targetPort');
        const target = v.value(tp?.value);
        if (typeof target !== 'string') continue;
        const protocols = names.get(target);
        const protocol = v.str(v.get(port, 'protocol')) ?? 'TCP';
        if (protocols?.has(protocol)) continue;
        const init = protocols ? undefined : initOnlyName(selected, target);
        if (init) {
          ctx.report(svc, {
            at: tp,
            part: 'value',
            messageId: 'serviceTargetInit',
            data: { port: target, container: init, workloads: selectedNames },
          });
        } else if (protocols) {
          ctx.report(svc, {
            at: tp,
            part: 'value',
            messageId: 'serviceTargetProtocol',
            data: { port: target, workloads: selectedNames, protocol, declared: [...protocols].sort().join('/') },
          });
        } else {
          ctx.report(svc, { at: tp, part: 'value', messageId: 'serviceTargetPort', data: { port: target, workloads: selectedNames } });
        }
      }
    }
  },
});
