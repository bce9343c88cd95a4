import type { Resource } from '../k8s/resource.ts';
import type { AnyNode } from '../yaml/nodes.ts';
import { defineRule, type FileContext, type RelatedInfo, type Report } from '../engine/rule.ts';
import { asArray, asRecord, dig, type WorkspaceObject } from '../workspace/objects.ts';
import { forOthers, namespaceOrigin, podTemplateOf } from '../workspace/pods.ts';

/** A Service backend of an Ingress, with the nodes to report on. */
interface Backend {
  service: string;
  serviceNode: AnyNode;
  /** The port by number or by name; undefined when not written (or not readable). */
  port: number | string | undefined;
  portNode: AnyNode | undefined;
}

/** The Service backends of an Ingress: `defaultBackend` and each path's (`resource` backends are skipped). */
function backendsOf(r: Resource): Backend[] {
  const v = r.view;
  const spec = v.get(r.root, 'spec');
  const nodes: unknown[] = [v.get(spec, 'defaultBackend'), v.get(spec, 'backend')];
  for (const rule of v.items(v.get(spec, 'rules'))) {
    for (const path of v.items(v.get(v.get(rule, 'http'), 'paths'))) nodes.push(v.get(path, 'backend'));
  }
  const out: Backend[] = [];
  for (const node of nodes) {
    if (!v.map(node)) continue;
    const service = v.get(node, 'service');
    if (service !== undefined) {
      // networking.k8s.io/v1: service.name and service.port.number or .name.
      const nameNode = v.get(service, 'name');
      const name = v.str(nameNode);
      if (!name || !nameNode) continue;
      const port = v.get(service, 'port');
      const numberNode = v.get(port, 'number');
      const portName = v.get(port, 'name');
      const number = v.value(numberNode);
      if (typeof number === 'number') out.push({ service: name, serviceNode: nameNode, port: number, portNode: numberNode });
      else if (v.str(portName)) out.push({ service: name, serviceNode: nameNode, port: v.str(portName), portNode: portName });
      else out.push({ service: name, serviceNode: nameNode, port: undefined, portNode: undefined });
      continue;
    }
    // extensions/v1beta1 and networking.k8s.io/v1beta1: serviceName and servicePort (number or name).
    const nameNode = v.get(node, 'serviceName');
    const name = v.str(nameNode);
    if (!name || !nameNode) continue;
    const portNode = v.get(node, 'servicePort');
    const port = v.value(portNode);
    out.push({
      service: name,
      serviceNode: nameNode,
      port: typeof port === 'number' || (typeof port === 'string' && port !== '') ? port : undefined,
      portNode: typeof port === 'number' || typeof port === 'string' ? portNode : undefined,
    });
  }
  return out;
}

interface ServicePort {
  port: number | undefined;
  name: string | undefined;
}

/** The ports a Service declares; undefined when it declares none (or they cannot be read). */
function portsOf(o: WorkspaceObject): ServicePort[] | undefined {
  const raw = dig(o.data, 'spec', 'ports');
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return asArray(raw).map((p) => {
    const rec = asRecord(p);
    return {
      port: typeof rec?.port === 'number' ? rec.port : undefined,
      name: typeof rec?.name === 'string' && rec.name !== '' ? rec.name : undefined,
    };
  });
}

/** `port 80 named "http"`, `ports 80 named "http" and 9090`. */
function portsText(ports: readonly ServicePort[]): string {
  const items = ports.map((p) => (p.name ? `${p.port ?? '?'} named "${p.name}"` : `${p.port ?? '?'}`));
  const list = items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items[0];
  return `${items.length > 1 ? 'ports' : 'port'} ${list}`;
}

function declares(ports: readonly ServicePort[], port: number | string): boolean {
  return ports.some((p) => (typeof port === 'number' ? p.port === port : p.name === port));
}

/** Services by `namespace/name`, and the namespaces that hold a Service or a workload. */
interface ServiceIndex {
  byName: Map<string, WorkspaceObject[]>;
  byShortName: Map<string, WorkspaceObject[]>;
  /** Namespaces where something of the application is in sight (a Service or a workload). */
  populated: Set<string>;
}

function push(map: Map<string, WorkspaceObject[]>, key: string, o: WorkspaceObject): void {
  const list = map.get(key);
  if (list) list.push(o);
  else map.set(key, [o]);
}

function indexServices(objects: Iterable<WorkspaceObject>, stopAtOthers: boolean): ServiceIndex {
  const index: ServiceIndex = { byName: new Map(), byShortName: new Map(), populated: new Set() };
  for (const o of objects) {
    if (stopAtOthers && !o.resource) break;
    if (o.kind === 'Service' && o.group === '' && o.name) {
      const key = `${o.namespace}/${o.name}`;
      push(index.byName, key, o);
      push(index.byShortName, o.name, o);
      index.populated.add(o.namespace);
    } else if (podTemplateOf(o)) {
      index.populated.add(o.namespace);
    }
  }
  return index;
}

class Services {
  constructor(
    private readonly own: ServiceIndex,
    private readonly others: ServiceIndex,
  ) {}

  named(namespace: string, name: string): WorkspaceObject[] {
    const key = `${namespace}/${name}`;
    return [...(this.own.byName.get(key) ?? []), ...(this.others.byName.get(key) ?? [])];
  }

  elsewhere(namespace: string, name: string): WorkspaceObject[] {
    return [...(this.own.byShortName.get(name) ?? []), ...(this.others.byShortName.get(name) ?? [])].filter((s) => s.namespace !== namespace);
  }

  populated(namespace: string): boolean {
    return this.own.populated.has(namespace) || this.others.populated.has(namespace);
  }
}

function servicesFor(ctx: FileContext): Services {
  const others = forOthers(ctx, 'ingress:services', (list) => indexServices(list, false));
  return new Services(indexServices(ctx.workspace.objects(), true), others);
}

/** Reports are kept while what they say is unchanged, so their diagnostics are not rebuilt. */
const reports = new WeakMap<AnyNode, { key: string; report: Report }>();

function at(o: WorkspaceObject): Pick<RelatedInfo, 'uri' | 'line' | 'character'> {
  return { uri: o.uri, line: o.line, character: o.character };
}

export default defineRule({
  meta: {
    id: 'ingress-backend-missing',
    title: 'Ingress backend Service or port does not exist',
    category: 'networking',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'Each Ingress backend names a Service of the Ingress\'s own namespace and one of its ports, by number or by name. When the Service is not there, or declares no such port (a port number changed on the Service, a port name misspelt), the ingress controller has nowhere to send the requests for that host and path and answers 503 (or 404, depending on the controller), though the manifests look complete. KubeGuard looks for the Service in the file and the other files of its scope, in the namespace the Ingress lands in (its own, else the one a kustomization.yaml beside it sets, else `default`), and matches a port number against the Service ports\' `port` and a port name against their `name`. A missing Service is reported only when the namespace has a Service or a workload in sight (otherwise the Service may come from a Helm chart or another repository) and never when the file is checked on its own; a wrong port is reported whenever the Service is in sight. Backends of kind `resource` are not checked.',
    remediation:
      'Point the backend at an existing Service of the Ingress\'s namespace and at a port it declares (its `port` number, or its `name`), or add the Service or the port.',
    messages: {
      missingService:
        'Ingress "{{ingress}}" sends traffic to Service "{{service}}", but no Service of that name is in namespace "{{namespace}}" (in this file or the others checked with it), so the ingress controller answers these requests with errors. Create the Service, or name one that exists.',
      missingPort:
        'Ingress "{{ingress}}" sends traffic to port {{port}} of Service "{{service}}", but that Service declares only {{ports}}, so the ingress controller answers these requests with errors. Use one of its ports, by number or by name.',
    },
  },
  checkFile(ctx) {
    let services: Services | undefined;
    for (const o of ctx.workspace.objects()) {
      const r = o.resource;
      if (!r) break; // the file's own objects come first
      if (o.kind !== 'Ingress' || (o.group !== 'networking.k8s.io' && o.group !== 'extensions')) continue;
      for (const b of backendsOf(r)) {
        services ??= servicesFor(ctx);
        const found = services.named(o.namespace, b.service);
        let report: { node: AnyNode; messageId: string; data: Record<string, string>; related: RelatedInfo[] } | undefined;
        const base = { ingress: r.name ?? '?', service: b.service, namespace: o.namespace };
        if (found.length === 0) {
          // Only a shared check can tell "missing" from "in a file we cannot see".
          if (!ctx.workspace.shared || !services.populated(o.namespace)) continue;
          const related = services.elsewhere(o.namespace, b.service).slice(0, 3).map((s) => ({
            ...at(s),
            message: `Service "${b.service}" is in namespace "${s.namespace}", but an Ingress can only send traffic to Services of its own namespace ("${o.namespace}"${namespaceOrigin(o, 'Ingress')}).`,
          }));
          report = { node: b.serviceNode, messageId: 'missingService', data: base, related };
        } else if (b.port !== undefined && b.portNode) {
          const declared = found.map((s) => ({ s, ports: portsOf(s) }));
          // A Service without readable ports (an ExternalName alias, say) is not second-guessed.
          if (declared.some((d) => d.ports === undefined || declares(d.ports, b.port!))) continue;
          const ports = portsText(declared[0]!.ports!);
          const related = declared.map((d) => ({
            ...at(d.s),
            message: `Service "${b.service}" in namespace "${o.namespace}" declares ${portsText(d.ports!)}.`,
          }));
          report = {
            node: b.portNode,
            messageId: 'missingPort',
            data: { ...base, port: typeof b.port === 'number' ? String(b.port) : `"${b.port}"`, ports },
            related,
          };
        }
        if (!report) continue;
        const key = `${report.messageId}|${JSON.stringify(report.data)}|${JSON.stringify(report.related)}`;
        let cached = reports.get(report.node);
        if (!cached || cached.key !== key) {
          cached = { key, report: { at: report.node, messageId: report.messageId, data: report.data, related: report.related } };
          reports.set(report.node, cached);
        }
        ctx.report(r, cached.report);
      }
    }
  },
});
