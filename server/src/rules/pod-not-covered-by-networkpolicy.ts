import { memoize, podLabels, type Resource } from '../k8s/resource.ts';
import { matches, namespacesMayMatch, readSelector, type Selector } from '../k8s/selectors.ts';
import { defineRule, type Fix, type Report } from '../engine/rule.ts';
import { renderBlock, type Style, type YamlValue } from '../yaml/edit.ts';

interface Policy {
  namespace: string | undefined;
  selector: Selector | undefined;
}

function policyOf(r: Resource): Policy {
  return memoize(r, 'networkpolicy:selector', () => ({
    namespace: r.namespace,
    selector: readSelector(r.view, r.view.get(r.view.get(r.root, 'spec'), 'podSelector')),
  }));
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

function allowPolicyFix(r: Resource): Fix | undefined {
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
  return {
    title: `Add a NetworkPolicy "${name}" after this ${r.kind}: ${portText}, DNS egress, nothing else (extend it with the traffic the app needs)`,
    safety: 'suggestion',
    apply: (b) =>
      b.insertDocumentAfter(
        b.text.length,
        documentLines({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: metadata(name, r.namespace), spec }, b.style()),
      ),
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
function workloadOf(r: Resource): { hostNetwork: boolean; report: Report } {
  return memoize(r, 'networkpolicy:workload', () => {
    const allow = allowPolicyFix(r);
    return {
      hostNetwork: r.view.isTrue(r.view.get(r.pod!.node, 'hostNetwork')),
      report: {
        at: r.anchor,
        messageId: 'uncovered',
        data: { kind: r.kind, name: r.name ?? '?' },
        fixes: allow ? [allow, defaultDenyFix(r)] : [defaultDenyFix(r)],
      },
    };
  });
}

export default defineRule({
  meta: {
    id: 'pod-not-covered-by-networkpolicy',
    title: 'Pods not selected by any NetworkPolicy',
    category: 'networking',
    severity: 'warning',
    target: 'file',
    description:
      'Kubernetes lets every pod reach every other pod unless a NetworkPolicy selects it. A workload no policy selects can be reached by any compromised pod in the cluster, and can reach anything itself. KubeGuard looks for policies in the same file for now.',
    remediation:
      'Add a NetworkPolicy whose podSelector matches the pod labels and that allows only the traffic the workload needs, or a namespace-wide default-deny policy.',
    messages: {
      uncovered:
        'No NetworkPolicy in this file selects the pods of {{kind}} "{{name}}", so every pod in the cluster can connect to them and they can connect anywhere. Add a NetworkPolicy for their labels that allows only the traffic they need.',
    },
  },
  checkFile(ctx) {
    const policies: Policy[] = [];
    for (const r of ctx.resources) {
      if (r.kind === 'NetworkPolicy' && r.group === 'networking.k8s.io') policies.push(policyOf(r));
    }
    for (const r of ctx.resources) {
      if (!r.pod) continue;
      const w = workloadOf(r);
      // Pods on the host network are outside NetworkPolicies' reach; host-network reports them.
      if (w.hostNetwork) continue;
      const labels = podLabels(r);
      // An unreadable selector might select the pods: say nothing rather than guess.
      const covered = policies.some(
        (p) => namespacesMayMatch(p.namespace, r.namespace) && (p.selector === undefined || matches(p.selector, labels)),
      );
      if (covered) continue;
      ctx.report(r, w.report);
    }
  },
});
