import { workloadKind } from '../k8s/kinds.ts';
import type { Resource } from '../k8s/resource.ts';
import type { Pair } from '../yaml/nodes.ts';
import { defineRule, type FileContext, type Fix, type RelatedInfo, type Report } from '../engine/rule.ts';
import { renderBlock, type YamlValue } from '../yaml/edit.ts';
import { asRecord, dig, labelMap, type WorkspaceObject } from '../workspace/objects.ts';
import { forOthers, podTemplateOf } from '../workspace/pods.ts';

/** Modes that let plain-text traffic in. UNSET inherits from the namespace or mesh policy. */
const WEAK = new Set(['PERMISSIVE', 'DISABLE']);

/** Whom the policy covers, for messages. Istio's root namespace is `istio-system` unless configured otherwise. */
function scopeOf(r: Resource): string {
  const v = r.view;
  const spec = v.get(r.root, 'spec');
  if (v.pairs(v.get(v.get(spec, 'selector'), 'matchLabels')).length > 0) return 'the workloads it selects';
  if (r.namespace === 'istio-system') return 'every workload in the mesh (istio-system is the default root namespace)';
  return r.namespace ? `every workload in namespace "${r.namespace}"` : 'every workload in its namespace';
}

function strictFix(pair: Pair, port?: string): Fix {
  const what = port === undefined ? 'the mTLS mode' : `the mTLS mode of port ${port}`;
  return {
    title: `Set ${what} to \`STRICT\` (clients outside the mesh, without a sidecar, can no longer connect)`,
    safety: 'suggestion',
    apply: (b) => b.setValue(pair, 'STRICT'),
  };
}

/** Istio's root namespace, unless the mesh is configured otherwise: a policy there without a selector is mesh-wide. */
const ROOT_NAMESPACE = 'istio-system';

/** Namespaces Istio never injects sidecars into (and its own). */
const UNMESHED_NAMESPACES: ReadonlySet<string> = new Set([ROOT_NAMESPACE, 'kube-system', 'kube-public', 'kube-node-lease']);

/** What the scope says about mutual TLS, per namespace. */
interface MtlsIndex {
  /** Whether any Istio object is in sight: only then is the mesh assumed. */
  istio: boolean;
  /** Modes of the PeerAuthentications without a selector, by namespace (`UNSET` when none is written). */
  modes: Map<string, Set<string>>;
  /** Workloads per namespace whose pods do not opt out of the sidecar, and whether they ask for it themselves (`sidecar.istio.io/inject: "true"`). */
  meshed: Map<string, { object: WorkspaceObject; optedIn: boolean }[]>;
  /** The labels each STRICT PeerAuthentication with a selector selects, by namespace. */
  strictSelectors: Map<string, ReadonlyMap<string, string>[]>;
  /** Namespace objects in sight: whether their labels turn the mesh on. */
  declared: Map<string, { object: WorkspaceObject; enabled: boolean }>;
}

function isNamespaceWide(o: WorkspaceObject): boolean {
  return labelMap(dig(o.data, 'spec', 'selector', 'matchLabels')).size === 0;
}

/** Whether a Namespace's labels put its pods in the mesh (sidecar injection, a revision, or ambient mode). */
function meshEnabled(o: WorkspaceObject): boolean {
  const labels = labelMap(dig(o.data, 'metadata', 'labels'));
  return labels.get('istio-injection') === 'enabled' || labels.has('istio.io/rev') || labels.get('istio.io/dataplane-mode') === 'ambient';
}

/** How a workload's pods stand towards the sidecar: opted out (or on the host network), asking for it, or left to the namespace. */
function sidecarOf(o: WorkspaceObject): 'out' | 'in' | 'default' | undefined {
  const w = workloadKind(o.group, o.kind);
  const t = podTemplateOf(o);
  if (!w || !t || t.unknown) return undefined;
  if (dig(o.data, ...w.specPath, 'hostNetwork') === true) return 'out';
  const annotation = asRecord(dig(o.data, ...w.metaPath, 'annotations'))?.['sidecar.istio.io/inject'];
  const value = t.labels.get('sidecar.istio.io/inject') ?? (annotation === undefined ? undefined : String(annotation));
  return value === 'false' ? 'out' : value === 'true' ? 'in' : 'default';
}

function indexMtls(objects: Iterable<WorkspaceObject>, stopAtOthers: boolean): MtlsIndex {
  const index: MtlsIndex = { istio: false, modes: new Map(), meshed: new Map(), strictSelectors: new Map(), declared: new Map() };
  for (const o of objects) {
    if (stopAtOthers && !o.resource) break;
    if (o.group.endsWith('istio.io')) index.istio = true;
    if (o.kind === 'PeerAuthentication' && o.group === 'security.istio.io') {
      if (!isNamespaceWide(o)) {
        if (dig(o.data, 'spec', 'mtls', 'mode') === 'STRICT') {
          const list = index.strictSelectors.get(o.namespace) ?? [];
          list.push(labelMap(dig(o.data, 'spec', 'selector', 'matchLabels')));
          index.strictSelectors.set(o.namespace, list);
        }
        continue;
      }
      const mode = dig(o.data, 'spec', 'mtls', 'mode');
      const set = index.modes.get(o.namespace) ?? new Set<string>();
      set.add(typeof mode === 'string' ? mode : 'UNSET');
      index.modes.set(o.namespace, set);
    } else if (o.kind === 'Namespace' && o.group === '' && o.name) {
      if (!index.declared.has(o.name)) index.declared.set(o.name, { object: o, enabled: meshEnabled(o) });
    } else if (!UNMESHED_NAMESPACES.has(o.namespace)) {
      const sidecar = sidecarOf(o);
      if (sidecar === undefined || sidecar === 'out') continue;
      const list = index.meshed.get(o.namespace) ?? [];
      list.push({ object: o, optedIn: sidecar === 'in' });
      index.meshed.set(o.namespace, list);
    }
  }
  return index;
}

/** The mode namespace-wide policies set: STRICT if any says so, else a weak mode if any, else none (they inherit). */
function decisive(modes: Set<string> | undefined): string | undefined {
  if (!modes) return undefined;
  if (modes.has('STRICT')) return 'STRICT';
  for (const m of modes) if (WEAK.has(m)) return m;
  return undefined;
}

function namespaceStrictFix(o: WorkspaceObject, namespace: string): Fix {
  // A workload without a namespace of its own: the policy goes wherever the file is applied, like the workload.
  const written = o.kind === 'Namespace' ? o.name : o.ownNamespace;
  const doc: { [key: string]: YamlValue } = {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: written ? { name: 'default', namespace: written } : { name: 'default' },
    spec: { mtls: { mode: 'STRICT' } },
  };
  return {
    title: `Add a PeerAuthentication "default" that requires mutual TLS (STRICT) for namespace "${namespace}" (clients without a sidecar can no longer connect)`,
    safety: 'suggestion',
    apply: (b) => b.insertDocumentAfter(b.text.length, renderBlock(doc, '', b.style())),
  };
}

/** Reports are kept while what they say is unchanged, so their diagnostics are not rebuilt. */
const reports = new WeakMap<Resource, { key: string; report: Report }>();

/**
 * Namespaces with workloads in the mesh that no STRICT policy covers: reported on the Namespace
 * object when one is in sight, else on the file's first workload of the namespace.
 */
function checkNamespaces(ctx: FileContext): void {
  // Whether a STRICT policy exists elsewhere cannot be told from one file.
  if (!ctx.workspace.shared) return;
  const others = forOthers(ctx, 'mtls:index', (list) => indexMtls(list, false));
  const own = indexMtls(ctx.workspace.objects(), true);
  if (!own.istio && !others.istio) return;
  const modes = (ns: string): Set<string> | undefined => {
    const a = own.modes.get(ns);
    const b = others.modes.get(ns);
    return a && b ? new Set([...a, ...b]) : a ?? b;
  };
  const mesh = decisive(modes(ROOT_NAMESPACE));
  const selectors = (ns: string) => [...(own.strictSelectors.get(ns) ?? []), ...(others.strictSelectors.get(ns) ?? [])];
  /** The workloads of a namespace that get a sidecar and that no STRICT policy with a selector covers. */
  const uncovered = (ns: string, index: MtlsIndex, optedInOnly: boolean): WorkspaceObject[] => {
    const strict = selectors(ns);
    const out: WorkspaceObject[] = [];
    for (const m of index.meshed.get(ns) ?? []) {
      if (optedInOnly && !m.optedIn) continue;
      const labels = podTemplateOf(m.object)?.labels ?? new Map<string, string>();
      if (strict.some((sel) => [...sel].every(([k, v]) => labels.get(k) === v))) continue;
      out.push(m.object);
    }
    return out;
  };
  const firstOwn = new Map<string, WorkspaceObject | undefined>();
  for (const o of ctx.workspace.objects()) {
    const r = o.resource;
    if (!r) break; // the file's own objects come first
    const isNamespace = o.kind === 'Namespace' && o.group === '' && o.name !== undefined;
    const ns = isNamespace ? o.name! : o.namespace;
    if (!isNamespace && !own.meshed.has(ns)) continue;
    // A namespace or mesh policy with a weak mode is reported where it is written.
    if ((decisive(modes(ns)) ?? mesh) !== undefined) continue;
    const declared = own.declared.get(ns) ?? others.declared.get(ns);
    let member: WorkspaceObject | undefined;
    if (isNamespace) {
      if (declared?.object !== o || UNMESHED_NAMESPACES.has(ns)) continue;
      // Without the namespace's injection label, only pods that ask for a sidecar get one.
      member = uncovered(ns, own, !declared.enabled)[0] ?? uncovered(ns, others, !declared.enabled)[0];
    } else {
      // A Namespace object in sight carries the finding instead; else the file's first workload there.
      if (declared) continue;
      if (!firstOwn.has(ns)) firstOwn.set(ns, uncovered(ns, own, false)[0]);
      if (firstOwn.get(ns) !== o) continue;
      member = o;
    }
    if (!member) continue;
    const related: RelatedInfo[] = [];
    if (isNamespace) {
      related.push({ uri: member.uri, line: member.line, character: member.character, message: `${member.kind} "${member.name ?? '?'}" runs in namespace "${ns}" with an Istio sidecar.` });
    }
    const key = `${ns}|${o.ownNamespace ?? ''}|${JSON.stringify(related)}`;
    let cached = reports.get(r);
    if (!cached || cached.key !== key) {
      cached = {
        key,
        report: { at: r.anchor, messageId: 'noStrict', data: { namespace: ns }, severity: 'info', related, fixes: [namespaceStrictFix(o, ns)] },
      };
      reports.set(r, cached);
    }
    ctx.report(r, cached.report);
  }
}

export default defineRule({
  meta: {
    id: 'istio-peerauthentication-not-strict',
    title: 'PeerAuthentication accepts plain text',
    category: 'networking',
    severity: 'warning',
    target: 'object',
    workspace: true,
    description:
      'A PeerAuthentication decides whether the sidecars of the workloads it covers accept connections without mutual TLS. `PERMISSIVE` accepts both mTLS and plain text, and `DISABLE` accepts plain text only: any pod in the cluster, with or without a sidecar, can then connect without proving its identity, read or alter the traffic in transit, and AuthorizationPolicies that match on principals or namespaces cannot tell who called. `PERMISSIVE` is meant for migrating into the mesh, not to stay. The rule checks `spec.mtls.mode` and each `spec.portLevelMtls` entry; `UNSET` (or no mode) inherits from the namespace or mesh-wide policy and is not reported. Without any policy, Istio\'s default is `PERMISSIVE`: so when the files of a scope hold Istio objects, KubeGuard also looks for namespaces whose workloads get a sidecar but that no `STRICT` PeerAuthentication covers, neither one without a selector in the namespace nor a mesh-wide one in the root namespace `istio-system`, in the file and the other files checked with it. It reports such a namespace once, on its Namespace object when one is in sight (then only if its labels turn injection or ambient mode on, or a pod asks for a sidecar), else on the first workload of the namespace in each file, as information, since the mesh-wide policy often lives with the Istio installation, in another repository. `kube-system`, `kube-public`, `kube-node-lease` and `istio-system` are left out, and so are pods that opt out of the sidecar or run on the host network. This part needs the other files and is skipped when a file is checked on its own.',
    remediation:
      'Set `mode: STRICT` once every client of the covered workloads runs with a sidecar. Clients outside the mesh (jobs without a sidecar, probes from outside, legacy services) lose access; give them a sidecar first, or keep a narrow port-level exception for them. Where no policy covers a namespace, add one named `default` without a selector and with `mtls.mode: STRICT` (or a mesh-wide one in `istio-system`).',
    messages: {
      permissive:
        'PeerAuthentication "{{name}}" sets mTLS to `PERMISSIVE` for {{scope}}: their sidecars also accept plain-text connections, so any pod can connect without proving its identity and the traffic can be read in transit. Set `mode: STRICT` once every client has a sidecar; clients outside the mesh then lose access.',
      disable:
        'PeerAuthentication "{{name}}" turns mTLS off (`DISABLE`) for {{scope}}: their traffic travels in plain text and callers are not authenticated, so principal- and namespace-based AuthorizationPolicies cannot tell who called. Set `mode: STRICT`; clients outside the mesh then lose access.',
      portPermissive:
        'PeerAuthentication "{{name}}" sets mTLS to `PERMISSIVE` on port {{port}} of {{scope}}: that port also accepts plain-text connections from any pod, without proof of identity. Set `mode: STRICT` once every client has a sidecar; clients outside the mesh then lose access.',
      noStrict:
        'No PeerAuthentication requires mutual TLS in namespace "{{namespace}}": none without a selector there, none mesh-wide in istio-system (in this file or the others checked with it). Its workloads then fall back to Istio\'s default, PERMISSIVE, so their sidecars also accept plain-text connections from any pod, without proof of identity. Add a PeerAuthentication without a selector in the namespace, or a mesh-wide one, with `mtls.mode: STRICT`, once every client runs with a sidecar.',
      portDisable:
        'PeerAuthentication "{{name}}" turns mTLS off (`DISABLE`) on port {{port}} of {{scope}}: traffic to that port travels in plain text and callers are not authenticated. Set `mode: STRICT`; clients outside the mesh then lose access.',
    },
  },
  checkFile: checkNamespaces,
  check(ctx) {
    const r = ctx.resource;
    if (r.kind !== 'PeerAuthentication' || r.group !== 'security.istio.io') return;
    const v = r.view;
    const spec = v.get(r.root, 'spec');
    const name = r.name ?? '?';
    const modePair = v.pair(v.get(spec, 'mtls'), 'mode');
    const mode = v.str(modePair?.value);
    if (modePair && mode && WEAK.has(mode)) {
      ctx.report({
        at: modePair,
        part: 'value',
        messageId: mode === 'DISABLE' ? 'disable' : 'permissive',
        data: { name, scope: scopeOf(r) },
        fixes: [strictFix(modePair)],
      });
    }
    for (const portPair of v.pairs(v.get(spec, 'portLevelMtls'))) {
      const port = v.keyOf(portPair);
      const p = v.pair(portPair.value, 'mode');
      const m = v.str(p?.value);
      if (!p || !m || !WEAK.has(m) || port === undefined) continue;
      ctx.report({
        at: p,
        part: 'value',
        messageId: m === 'DISABLE' ? 'portDisable' : 'portPermissive',
        data: { name, port, scope: scopeOf(r) },
        fixes: [strictFix(p, port)],
      });
    }
  },
});
