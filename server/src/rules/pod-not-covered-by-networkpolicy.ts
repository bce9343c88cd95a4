import { memoize, podLabels, type Resource } from '../k8s/resource.ts';
import { describeSelector, matches, selectorOfPlain, type Selector } from '../k8s/selectors.ts';
import { asArray, asRecord, dig, type WorkspaceObject } from '../workspace/objects.ts';
import { defineRule, type Fix, type RelatedInfo, type Report } from '../engine/rule.ts';
import { renderBlock, type Style, type YamlValue } from '../yaml/edit.ts';

interface Policy {
  object: WorkspaceObject;
  selector: Selector | undefined;
  ingress: boolean;
  egress: boolean;
}

const policies = new WeakMap<WorkspaceObject, Policy>();

/** What a NetworkPolicy selects and which directions it isolates (policyTypes, or its defaults). */
function policyOf(o: WorkspaceObject): Policy {
  let p = policies.get(o);
  if (!p) {
    const spec = asRecord(dig(o.data, 'spec'));
    const types = asArray(spec?.policyTypes).map(String);
    const explicit = Array.isArray(spec?.policyTypes);
    p = {
      object: o,
      selector: selectorOfPlain(spec?.podSelector),
      // Without policyTypes, a policy always isolates ingress, and egress only when it has egress rules.
      ingress: explicit ? types.includes('Ingress') : true,
      egress: explicit ? types.includes('Egress') : spec?.egress !== undefined,
    };
    policies.set(o, p);
  }
  return p;
}

/** Ports the pod's containers declare, for the policy's ingress rule. */
function containerPorts(r: Resource): { port: number; protocol: string }[] {
  const v = r.view;
  const seen = new Set<string>();
  const out: { port: number; protocol: string }[] = [];
  for (const c of r.pod?.containers ?? []) {
    if (c.list !== 'containers' && !c.isSidecar) continue;
    for (const p of v.items(v.get(c.node, 'ports'))) {
      const port = v.value(v.get(p, 'containerPort'));
      const protocol = v.str(v.get(p, 'protocol')) ?? 'TCP';
      if (typeof port !== 'number' || seen.has(`${port}/${protocol}`)) continue;
      seen.add(`${port}/${protocol}`);
      out.push({ port, protocol });
    }
  }
  return out;
}

function metadata(name: string, namespace: string | undefined): { [key: string]: YamlValue } {
  return namespace ? { name, namespace } : { name };
}

const DNS_EGRESS: YamlValue = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
};

/** A new document's lines; its top-level keys start in column 0. */
function documentLines(doc: { [key: string]: YamlValue }, style: Style): string[] {
  return renderBlock(doc, '', style);
}

/** The NetworkPolicy the allow fix writes for a workload: its pods' ports in, DNS out. */
function allowPolicy(r: Resource): { name: string; doc: { [key: string]: YamlValue }; portText: string } | undefined {
  const labels = podLabels(r);
  if (labels.size === 0 || !r.name) return undefined;
  const ports = containerPorts(r);
  const name = `${r.name}-allow`;
  const spec: { [key: string]: YamlValue } = {
    podSelector: { matchLabels: Object.fromEntries(labels) },
    policyTypes: ['Ingress', 'Egress'],
  };
  spec.ingress = ports.length > 0 ? [{ ports: ports.map((p) => ({ port: p.port, protocol: p.protocol })) }] : [];
  spec.egress = [DNS_EGRESS];
  const portText = ports.length > 0 ? `ingress on ${ports.map((p) => `${p.port}/${p.protocol}`).join(', ')}` : 'no ingress';
  return { name, portText, doc: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: metadata(name, r.namespace), spec } };
}

function allowPolicyFix(r: Resource): Fix | undefined {
  const p = allowPolicy(r);
  if (!p) return undefined;
  return {
    title: `Add a NetworkPolicy "${p.name}" after this ${r.kind}: ${p.portText}, DNS egress, nothing else (extend it with the traffic the app needs)`,
    safety: 'suggestion',
    apply: (b) => b.insertDocumentAfter(b.text.length, documentLines(p.doc, b.style())),
  };
}

/**
 * The same policy as a file of its own, for editors that can create files: the title of the
 * action and the file's text (in the indentation of the file it is written from).
 */
export function allowPolicyFile(r: Resource, style: Style, eol: string): { policy: string; title: string; text: string } | undefined {
  const p = allowPolicy(r);
  if (!p) return undefined;
  return {
    policy: p.name,
    title: `NetworkPolicy "${p.name}" for ${r.kind} "${r.name ?? '?'}": ${p.portText}, DNS egress, nothing else (extend it with the traffic the app needs)`,
    text: documentLines(p.doc, style).join(eol) + eol,
  };
}

function defaultDenyFix(r: Resource): Fix {
  // Without a namespace in the manifest the policy lands wherever the file is applied.
  const where = r.namespace ? `namespace "${r.namespace}"` : 'the namespace this file is applied to';
  return {
    title: `Add a default-deny NetworkPolicy for ${where} (blocks all traffic of every pod there that no other policy allows, except DNS)`,
    safety: 'suggestion',
    apply: (b) =>
      b.insertDocumentAfter(
        b.text.length,
        documentLines(
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: metadata('default-deny', r.namespace),
            spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [DNS_EGRESS] },
          },
          b.style(),
        ),
      ),
  };
}

/** What the rule needs of a workload, read once: the object does not change while it is cached. */
function workloadOf(r: Resource): { hostNetwork: boolean; fixes: Fix[] } {
  return memoize(r, 'networkpolicy:workload', () => {
    const allow = allowPolicyFix(r);
    return {
      hostNetwork: r.view.isTrue(r.view.get(r.pod!.node, 'hostNetwork')),
      fixes: allow ? [allow, defaultDenyFix(r)] : [defaultDenyFix(r)],
    };
  });
}

/** Reports are kept while what they say is unchanged, so their diagnostics are not rebuilt. */
const reports = new WeakMap<Resource, { key: string; report: Report }>();

/** Why an object is in its namespace, when it does not say so itself. */
function whyNamespace(o: WorkspaceObject): string {
  if (o.ownNamespace) return '';
  return o.namespace === 'default'
    ? ' (it names no namespace, and no kustomization.yaml beside it sets one)'
    : ' (the namespace the kustomization.yaml beside it sets)';
}

function labelsText(labels: ReadonlyMap<string, string>): string {
  return labels.size === 0 ? 'no labels' : [...labels].map(([k, v]) => `${k}=${v}`).join(', ');
}

export default defineRule({
  meta: {
    id: 'pod-not-covered-by-networkpolicy',
    title: 'Pods not selected by any NetworkPolicy',
    category: 'networking',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'Kubernetes lets every pod reach every other pod unless a NetworkPolicy selects it. A workload no policy selects can be reached by any compromised pod in the cluster, and can reach anything itself. KubeGuard looks for policies in every file of the same scope (the files of one service or environment directory; see the README), in the namespace the workload lands in: its own, else the one a kustomization.yaml beside it sets, else `default`. Selectors with `matchLabels` and `matchExpressions` are evaluated; a policy counts only if it isolates ingress (its `policyTypes`, or the default, which always includes Ingress).',
    remediation:
      'Add a NetworkPolicy whose podSelector matches the pod labels and that allows only the traffic the workload needs, or a namespace-wide default-deny policy.',
    messages: {
      inFile:
        'No NetworkPolicy in this file selects the pods of {{kind}} "{{name}}", so every pod in the cluster can connect to them and they can connect anywhere. Add a NetworkPolicy for their labels that allows only the traffic they need.',
      inWorkspace:
        'No NetworkPolicy in namespace "{{namespace}}" selects the pods of {{kind}} "{{name}}" (in this file or the others checked with it), so every pod in the cluster can connect to them and they can connect anywhere. Add a NetworkPolicy for their labels that allows only the traffic they need.',
      egressOnly:
        'The NetworkPolicies that select the pods of {{kind}} "{{name}}" isolate egress only, so every pod in the cluster can still connect to them. Add `Ingress` to a policy\'s `policyTypes` with the ingress rules the pods need.',
    },
  },
  checkFile(ctx) {
    const all = ctx.workspace.objects();
    const byNamespace = new Map<string, Policy[]>();
    for (const o of all) {
      if (o.kind !== 'NetworkPolicy' || o.group !== 'networking.k8s.io') continue;
      const list = byNamespace.get(o.namespace) ?? [];
      list.push(policyOf(o));
      byNamespace.set(o.namespace, list);
    }
    const where = ctx.workspace.shared ? 'inWorkspace' : 'inFile';
    for (const o of all) {
      const r = o.resource;
      if (!r) break; // the file's own objects come first
      if (!r.pod) continue;
      const w = workloadOf(r);
      // Pods on the host network are outside NetworkPolicies' reach; host-network reports them.
      if (w.hostNetwork) continue;
      const labels = podLabels(r);
      const candidates = byNamespace.get(o.namespace) ?? [];
      // An unreadable selector might select the pods: say nothing rather than guess.
      const selecting = candidates.filter((p) => p.selector === undefined || matches(p.selector, labels));
      if (selecting.some((p) => p.ingress)) continue;
      const egressOnly = selecting.length > 0;
      const related: RelatedInfo[] = [];
      // A policy that would select the pods but lands in another namespace is the usual surprise.
      if (!egressOnly) {
        for (const [ns, list] of byNamespace) {
          if (ns === o.namespace) continue;
          for (const p of list) {
            if (related.length >= 3 || !p.ingress || !p.selector || !matches(p.selector, labels)) continue;
            related.push({
              uri: p.object.uri,
              line: p.object.line,
              character: p.object.character,
              message: `NetworkPolicy "${p.object.name ?? '?'}" would select these pods, but it lands in namespace "${ns}"${whyNamespace(p.object)}, not "${o.namespace}".`,
            });
          }
        }
      }
      for (const p of egressOnly ? selecting : candidates.slice(0, 5)) {
        related.push({
          uri: p.object.uri,
          line: p.object.line,
          character: p.object.character,
          message: egressOnly
            ? `NetworkPolicy "${p.object.name ?? '?'}" selects these pods for egress only (policyTypes), so their ingress stays open.`
            : `NetworkPolicy "${p.object.name ?? '?'}" in namespace "${o.namespace}" selects ${describeSelector(p.selector)}, not these pods (${labelsText(labels)}).`,
        });
      }
      const messageId = egressOnly ? 'egressOnly' : where;
      const key = `${messageId}|${o.namespace}|${JSON.stringify(related)}`;
      let cached = reports.get(r);
      if (!cached || cached.key !== key) {
        cached = {
          key,
          report: { at: r.anchor, messageId, data: { kind: r.kind, name: r.name ?? '?', namespace: o.namespace }, fixes: w.fixes, related },
        };
        reports.set(r, cached);
      }
      ctx.report(r, cached.report);
    }
  },
});
