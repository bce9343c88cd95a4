import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { defineRule, type RelatedInfo, type Report } from '../engine/rule.ts';
import { memoize, type Resource } from '../k8s/resource.ts';
import { noNamespaceNote, relatedTo, ReportCache, sameNamespaceIn, scopeOf, type Scope } from '../k8s/workloads.ts';
import type { AnyNode } from '../yaml/nodes.ts';
import { asArray, asRecord, dig, type WorkspaceObject } from '../workspace/objects.ts';

type RefKind = 'ConfigMap' | 'Secret';
type Via = 'env' | 'envFrom' | 'volume';

/** A reference from a pod to a ConfigMap or Secret that is not optional. */
interface Ref {
  kind: RefKind;
  name: string;
  node: AnyNode;
  via: Via;
  container: string;
  variable: string;
  volume: string;
  /** The keys it reads (`configMapKeyRef.key`, a volume's `items[].key`), with their nodes. */
  keys: { key: string; node: AnyNode }[];
}

/** ConfigMaps every namespace has, created by the cluster or the mesh. */
const BUILT_IN_CONFIGMAPS: ReadonlySet<string> = new Set(['kube-root-ca.crt', 'openshift-service-ca.crt', 'istio-ca-root-cert']);

function literal(name: string | undefined): name is string {
  // Helm and envsubst placeholders are not names yet.
  return !!name && !name.includes('{{') && !name.includes('${');
}

/** Every reference of a pod spec, read once per object. */
function refsOf(r: Resource): Ref[] {
  return memoize(r, 'env-ref-missing:refs', () => {
    const v = r.view;
    const out: Ref[] = [];
    const add = (kind: RefKind, ref: unknown, nameKey: string, via: Via, container: string, variable: string, volume: string, keyNodes: AnyNode[]) => {
      if (!v.map(ref) || v.isTrue(v.get(ref, 'optional'))) return;
      const node = v.get(ref, nameKey);
      const name = v.text(node);
      if (!node || !literal(name)) return;
      const keys: Ref['keys'] = [];
      for (const k of keyNodes) {
        const key = v.text(k);
        if (literal(key)) keys.push({ key, node: k });
      }
      out.push({ kind, name, node, via, container, variable, volume, keys });
    };
    const pod = r.pod;
    if (!pod || r.kind === 'PodTemplate') return out;
    for (const c of pod.containers) {
      for (const e of v.items(v.get(c.node, 'env'))) {
        const from = v.get(e, 'valueFrom');
        const variable = v.text(v.get(e, 'name')) ?? '?';
        for (const [field, kind] of [['configMapKeyRef', 'ConfigMap'], ['secretKeyRef', 'Secret']] as const) {
          const ref = v.get(from, field);
          const keyNode = v.get(ref, 'key');
          add(kind, ref, 'name', 'env', c.name, variable, '', keyNode ? [keyNode] : []);
        }
      }
      for (const e of v.items(v.get(c.node, 'envFrom'))) {
        add('ConfigMap', v.get(e, 'configMapRef'), 'name', 'envFrom', c.name, '', '', []);
        add('Secret', v.get(e, 'secretRef'), 'name', 'envFrom', c.name, '', '', []);
      }
    }
    const itemKeys = (source: unknown): AnyNode[] =>
      v.items(v.get(source, 'items')).flatMap((item) => {
        const k = v.get(item, 'key');
        return k ? [k] : [];
      });
    for (const vol of v.items(v.get(pod.node, 'volumes'))) {
      const volume = v.text(v.get(vol, 'name')) ?? '?';
      const cm = v.get(vol, 'configMap');
      add('ConfigMap', cm, 'name', 'volume', '', '', volume, itemKeys(cm));
      const secret = v.get(vol, 'secret');
      add('Secret', secret, 'secretName', 'volume', '', '', volume, itemKeys(secret));
      for (const source of v.items(v.get(v.get(vol, 'projected'), 'sources'))) {
        const pcm = v.get(source, 'configMap');
        add('ConfigMap', pcm, 'name', 'volume', '', '', volume, itemKeys(pcm));
        const ps = v.get(source, 'secret');
        add('Secret', ps, 'name', 'volume', '', '', volume, itemKeys(ps));
      }
    }
    return out;
  });
}

// ---- What provides ConfigMaps and Secrets ----

interface Generated {
  configMaps: Set<string>;
  secrets: Set<string>;
}

function generatorsOf(doc: unknown, into: Generated = { configMaps: new Set(), secrets: new Set() }): Generated {
  for (const [field, set] of [['configMapGenerator', into.configMaps], ['secretGenerator', into.secrets]] as const) {
    for (const g of asArray(asRecord(doc)?.[field])) {
      const name = asRecord(g)?.name;
      if (typeof name === 'string' && name !== '') set.add(name);
    }
  }
  return into;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const besideCache = new Map<string, { stamp: string; generated: Generated }>();

/**
 * The kustomize generators of the kustomization beside a file (the workspace index does not keep
 * kustomization contents). Read from disk only when a reference is not found otherwise, and
 * re-read when the file changes.
 */
function generatedBeside(uri: string): Generated | undefined {
  if (!uri.startsWith('file:')) return undefined;
  let dir: string;
  try {
    dir = dirname(fileURLToPath(uri));
  } catch {
    return undefined;
  }
  for (const file of KUSTOMIZATION_FILES) {
    const path = join(dir, file);
    let stamp: string;
    try {
      const st = statSync(path);
      if (!st.isFile() || st.size > 1024 * 1024) continue;
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      continue;
    }
    const cached = besideCache.get(path);
    if (cached?.stamp === stamp) return cached.generated;
    let generated: Generated = { configMaps: new Set(), secrets: new Set() };
    try {
      generated = generatorsOf(parse(readFileSync(path, 'utf8'), { maxAliasCount: 100 }));
    } catch {
      // An unreadable kustomization generates nothing we can name.
    }
    besideCache.set(path, { stamp, generated });
    return generated;
  }
  return undefined;
}

interface Provider {
  object: WorkspaceObject;
  /** The keys it holds; undefined when they cannot be known (ExternalSecret, Certificate). */
  keys: ReadonlySet<string> | undefined;
}

const SECRET_SOURCES: readonly [string, string][] = [
  ['Secret', ''],
  ['SealedSecret', 'bitnami.com'],
  ['ExternalSecret', 'external-secrets.io'],
  ['Certificate', 'cert-manager.io'],
];

function keysOf(...maps: unknown[]): Set<string> {
  const keys = new Set<string>();
  for (const m of maps) for (const k of Object.keys(asRecord(m) ?? {})) keys.add(k);
  return keys;
}

/** The Secret name an object makes, and the keys it holds. */
function secretOf(o: WorkspaceObject): { name: string | undefined; keys: Set<string> | undefined } | undefined {
  switch (`${o.group}/${o.kind}`) {
    case '/Secret':
      return { name: o.name, keys: keysOf(dig(o.data, 'data'), dig(o.data, 'stringData')) };
    case 'bitnami.com/SealedSecret':
      return { name: o.name, keys: keysOf(dig(o.data, 'spec', 'encryptedData'), dig(o.data, 'spec', 'template', 'data')) };
    case 'external-secrets.io/ExternalSecret': {
      const target = dig(o.data, 'spec', 'target', 'name');
      return { name: typeof target === 'string' && target !== '' ? target : o.name, keys: undefined };
    }
    case 'cert-manager.io/Certificate': {
      const name = dig(o.data, 'spec', 'secretName');
      return { name: typeof name === 'string' && name !== '' ? name : undefined, keys: undefined };
    }
    default:
      return undefined;
  }
}

/** What a scope provides, built once per analysis that has references to check. */
class Providers {
  private secretsByName = new Map<string, Provider[]>();
  private generated: Generated = { configMaps: new Set(), secrets: new Set() };
  readonly hasConfigMaps: boolean;
  readonly shared: boolean;
  readonly hasSecrets: boolean;
  private besideRead = false;

  constructor(
    private readonly scope: Scope,
    private readonly uri: string,
  ) {
    for (const [kind, group] of SECRET_SOURCES) {
      for (const o of scope.all(kind)) {
        if (o.group !== group) continue;
        const s = secretOf(o);
        if (!s?.name) continue;
        const list = this.secretsByName.get(s.name) ?? [];
        list.push({ object: o, keys: s.keys });
        this.secretsByName.set(s.name, list);
      }
    }
    for (const k of scope.all('Kustomization')) if (k.group === 'kustomize.config.k8s.io') generatorsOf(k.data, this.generated);
    this.shared = scope.shared;
    this.hasConfigMaps = scope.has('ConfigMap', ['']);
    this.hasSecrets = this.secretsByName.size > 0;
  }

  /** Objects that provide the ConfigMap or Secret in the namespace `near` lands in. */
  find(kind: RefKind, name: string, near: WorkspaceObject): Provider[] {
    const list =
      kind === 'ConfigMap'
        ? this.scope
            .find('ConfigMap', name, near)
            .filter((o) => o.group === '')
            .map((o) => ({ object: o, keys: keysOf(dig(o.data, 'data'), dig(o.data, 'binaryData')) }))
        : (this.secretsByName.get(name) ?? []).filter((p) => sameNamespaceIn(p.object, near));
    return list;
  }

  /** The same name provided in other namespaces. */
  elsewhere(kind: RefKind, name: string, near: WorkspaceObject): WorkspaceObject[] {
    const all = kind === 'ConfigMap' ? this.scope.withName(name).filter((o) => o.kind === 'ConfigMap' && o.group === '') : (this.secretsByName.get(name) ?? []).map((p) => p.object);
    return all.filter((o) => !sameNamespaceIn(o, near));
  }

  /** The names kustomize generates, with the kustomization beside the file read on first use. */
  private generatedNames(kind: RefKind): Set<string> {
    if (!this.besideRead) {
      this.besideRead = true;
      const beside = generatedBeside(this.uri);
      if (beside) {
        for (const n of beside.configMaps) this.generated.configMaps.add(n);
        for (const n of beside.secrets) this.generated.secrets.add(n);
      }
    }
    return kind === 'ConfigMap' ? this.generated.configMaps : this.generated.secrets;
  }

  /** Whether a kustomize generator (in a kustomization of the scope, or beside the file) makes it. */
  generates(kind: RefKind, name: string): boolean {
    return this.generatedNames(kind).has(name);
  }

  /** Whether the scope makes any object of the kind (else they are created outside these files). */
  provides(kind: RefKind): boolean {
    return (kind === 'ConfigMap' ? this.hasConfigMaps : this.hasSecrets) || this.generatedNames(kind).size > 0;
  }
}

const reports = new ReportCache();

function fieldFor(via: Via, kind: RefKind): string {
  if (via === 'env') return kind === 'ConfigMap' ? '`configMapKeyRef`' : '`secretKeyRef`';
  if (via === 'envFrom') return kind === 'ConfigMap' ? '`configMapRef`' : '`secretRef`';
  return kind === 'ConfigMap' ? 'a `configMap` volume' : 'a `secret` volume';
}

function keysText(keys: ReadonlySet<string>): string {
  const list = [...keys].sort();
  return `it has ${list.slice(0, 8).map((k) => `"${k}"`).join(', ')}${list.length > 8 ? ` and ${list.length - 8} more` : ''}`;
}

function check(providers: () => Providers, o: WorkspaceObject, ref: Ref, index: number, r: Resource): Report | undefined {
  if (ref.kind === 'ConfigMap' && BUILT_IN_CONFIGMAPS.has(ref.name)) return undefined;
  const p = providers();
  const found = p.find(ref.kind, ref.name, o);
  const base = { kind: ref.kind, ref: ref.name, namespace: o.namespace, container: ref.container, variable: ref.variable, volume: ref.volume, where: p.shared ? 'in this file or the others checked with it' : 'in this file' };
  if (found.length > 0) {
    // Keys are checked only when every provider lists them.
    if (ref.keys.length === 0 || found.some((f) => !f.keys || f.keys.size === 0) || p.generates(ref.kind, ref.name)) return undefined;
    const keys = new Set(found.flatMap((f) => [...f.keys!]));
    const missing = ref.keys.find((k) => !keys.has(k.key));
    if (!missing) return undefined;
    const messageId = ref.via === 'volume' ? 'volumeKey' : 'envKey';
    const data = { ...base, key: missing.key, keys: keysText(keys) };
    const related = found.slice(0, 3).map((f) => relatedTo(f.object, `${f.object.kind} "${f.object.name ?? '?'}" is defined here, without key "${missing.key}".`));
    const key = JSON.stringify([index, messageId, data, related]);
    return reports.get(r, key, () => ({ at: missing.node, messageId, data, related }));
  }
  if (!p.provides(ref.kind) || p.generates(ref.kind, ref.name)) return undefined;
  const elsewhere = p.elsewhere(ref.kind, ref.name, o);
  // Checked on its own, the file proves the object missing only when it defines it in another namespace.
  if (!p.shared && elsewhere.length === 0) return undefined;
  const related: RelatedInfo[] = [];
  for (const other of elsewhere.slice(0, 3)) {
    related.push(relatedTo(other, `${other.kind} "${other.name ?? '?'}" provides ${ref.kind} "${ref.name}" in namespace "${other.namespace}"${noNamespaceNote(other)}, not "${o.namespace}".`));
  }
  const otherKind: RefKind = ref.kind === 'ConfigMap' ? 'Secret' : 'ConfigMap';
  for (const other of p.find(otherKind, ref.name, o).slice(0, 1)) {
    related.push(relatedTo(other.object, `A ${otherKind} named "${ref.name}" is defined in namespace "${o.namespace}": is the reference meant to be ${fieldFor(ref.via, otherKind)}?`));
  }
  const messageId = ref.via;
  const key = JSON.stringify([index, messageId, base, related]);
  return reports.get(r, key, () => ({ at: ref.node, messageId, data: base, related }));
}

export default defineRule({
  meta: {
    id: 'env-ref-missing',
    title: 'Pod refers to a ConfigMap or Secret that is not defined',
    category: 'secrets',
    severity: 'warning',
    target: 'file',
    workspace: true,
    description:
      'A container that takes environment variables from a ConfigMap or Secret (`configMapKeyRef`, `secretKeyRef`, `envFrom`) cannot start while that object, or the key it reads, is missing: the pod stays in `CreateContainerConfigError`. A `configMap` or `secret` volume (also inside a `projected` volume) that names a missing object or key keeps the pod in `ContainerCreating`. References marked `optional: true` are skipped. KubeGuard looks in every file of the same scope (the files of one service or environment directory; see the README), in the namespace the pod lands in. A Secret may come from a Secret, a Bitnami SealedSecret (its name), an External Secrets Operator ExternalSecret (`spec.target.name`, else its name) or a cert-manager Certificate (`spec.secretName`); a ConfigMap or Secret may also come from a kustomize `configMapGenerator` or `secretGenerator` in a kustomization of the scope or beside the file. Keys are checked only against ConfigMaps, Secrets and SealedSecrets that list them. The rule says nothing about ConfigMaps when the scope makes none at all, nor about Secrets when the scope makes none at all: they are then created outside these files (by hand, by a Helm chart or an operator), which is common and often right for Secrets. When the file is checked on its own, the object may be in a file KubeGuard cannot see: it then reports a missing object only when the file defines it in another namespace, and a missing key when the file defines the object. `kube-root-ca.crt` and the CA ConfigMaps of OpenShift and Istio exist in every namespace. A generator in another overlay, or a name a Helm chart computes, is not seen.',
    remediation:
      'Fix the name or key, add the ConfigMap or Secret (or its SealedSecret or ExternalSecret) in the same namespace, or mark the reference `optional: true` if the app copes without it.',
    messages: {
      env:
        'Container "{{container}}" sets `{{variable}}` from {{kind}} "{{ref}}", but no {{kind}} "{{ref}}" is defined in namespace "{{namespace}}" ({{where}}), so the container cannot start (CreateContainerConfigError) until it exists. Fix the name, add the {{kind}}, or set `optional: true` if the app copes without it.',
      envFrom:
        'Container "{{container}}" loads {{kind}} "{{ref}}" as environment variables (`envFrom`), but no {{kind}} "{{ref}}" is defined in namespace "{{namespace}}" ({{where}}), so the container cannot start (CreateContainerConfigError) until it exists. Fix the name, add the {{kind}}, or set `optional: true` if the app copes without it.',
      volume:
        'Volume "{{volume}}" mounts {{kind}} "{{ref}}", but no {{kind}} "{{ref}}" is defined in namespace "{{namespace}}" ({{where}}), so the pod waits in ContainerCreating until it exists. Fix the name, add the {{kind}}, or set `optional: true` if the app copes without it.',
      envKey:
        '{{kind}} "{{ref}}" has no key "{{key}}" ({{keys}}), so container "{{container}}" cannot start (CreateContainerConfigError) while `{{variable}}` reads it. Fix the key, add it to the {{kind}}, or set `optional: true`.',
      volumeKey:
        '{{kind}} "{{ref}}" has no key "{{key}}" ({{keys}}), so volume "{{volume}}" cannot be mounted and the pod waits in ContainerCreating. Fix the key under `items`, add it to the {{kind}}, or set `optional: true`.',
    },
  },
  checkFile(ctx) {
    let scope: Scope | undefined;
    let providers: Providers | undefined;
    for (const r of ctx.resources) {
      const refs = r.pod ? refsOf(r) : [];
      if (refs.length === 0) continue;
      scope ??= scopeOf(ctx);
      const s = scope;
      const o = s.objectOf(r);
      if (!o) continue;
      const lazy = () => (providers ??= new Providers(s, o.uri));
      refs.forEach((ref, i) => {
        const report = check(lazy, o, ref, i, r);
        if (report) ctx.report(r, report);
      });
    }
  },
});
