// Generates the JSON Schemas under schemas/ from upstream schema sources.
//
//   npm run schemas -- <source dir>
//
// <source dir> holds the Kubernetes OpenAPI v3 files (kubernetes/v<x.y>/*.json) and the CRDs of
// Istio, KEDA and the Gateway API (istio/<version>/*.yaml, keda/v<version>/*.yaml,
// gateway-api/v<version>/*.yaml). The output is committed: users' machines never run this.
//
// What the conversion does (OpenAPI v3 / CRD structural schema → JSON Schema draft-07 for ajv):
// - one schema per group/version/kind, with `apiVersion` and `kind` fixed to that pair;
// - Kubernetes definitions are shared in one file that the kind schemas refer to;
// - every object that lists its properties gets `additionalProperties: false`, unless it keeps
//   unknown fields (`x-kubernetes-preserve-unknown-fields`), so a misspelled field is an error;
// - int-or-string becomes `type: [integer, string]`; a Quantity must look like one;
// - `x-kubernetes-list-type: map` lists carry their keys (`x-kubeguard-list-map-keys`, with the
//   keys' defaults) so duplicate entries can be reported;
// - descriptions, defaults, formats and CEL rules (`x-kubernetes-validations`) are dropped: CEL
//   validation is out of scope.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import Ajv from 'ajv';
import { createAjv } from '../server/src/schema/keywords.ts';
import { SCHEMA_BASE } from '../server/src/schema/validate.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'schemas');
export const DEFS_FILE = 'kubernetes/_definitions.json';

/** Quantity: a signed decimal number with an optional SI, binary or exponent suffix. */
export const QUANTITY_PATTERN = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$';

const KEEP = new Set([
  'type', 'properties', 'additionalProperties', 'items', 'required', 'enum', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems',
  'uniqueItems', 'minProperties', 'maxProperties', 'oneOf', 'anyOf', 'allOf', 'not', '$ref', 'multipleOf',
]);

/**
 * Closed sets of values the API server enforces. The OpenAPI files list them only in prose, so
 * they are written out here (definition → property → values); an array property means its items.
 */
const ENUMS: Record<string, Record<string, string[]>> = {
  'io.k8s.api.core.v1.Container': {
    imagePullPolicy: ['Always', 'Never', 'IfNotPresent'],
    terminationMessagePolicy: ['File', 'FallbackToLogsOnError'],
  },
  'io.k8s.api.core.v1.PodSpec': {
    restartPolicy: ['Always', 'OnFailure', 'Never'],
    dnsPolicy: ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'],
    preemptionPolicy: ['PreemptLowerPriority', 'Never'],
  },
  'io.k8s.api.core.v1.ContainerPort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'io.k8s.api.core.v1.ServicePort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'io.k8s.api.core.v1.ServiceSpec': {
    type: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
    sessionAffinity: ['ClientIP', 'None'],
    externalTrafficPolicy: ['Cluster', 'Local'],
    internalTrafficPolicy: ['Cluster', 'Local'],
    ipFamilyPolicy: ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
  },
  'io.k8s.api.core.v1.SeccompProfile': { type: ['RuntimeDefault', 'Unconfined', 'Localhost'] },
  'io.k8s.api.core.v1.AppArmorProfile': { type: ['RuntimeDefault', 'Unconfined', 'Localhost'] },
  'io.k8s.api.core.v1.Toleration': { operator: ['Exists', 'Equal'], effect: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
  'io.k8s.api.core.v1.Taint': { effect: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
  'io.k8s.api.core.v1.TopologySpreadConstraint': {
    whenUnsatisfiable: ['DoNotSchedule', 'ScheduleAnyway'],
    nodeAffinityPolicy: ['Honor', 'Ignore'],
    nodeTaintsPolicy: ['Honor', 'Ignore'],
  },
  'io.k8s.api.core.v1.NodeSelectorRequirement': { operator: ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { operator: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': { accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'], volumeMode: ['Block', 'Filesystem'] },
  'io.k8s.api.core.v1.PersistentVolumeSpec': {
    accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'],
    persistentVolumeReclaimPolicy: ['Retain', 'Delete', 'Recycle'],
    volumeMode: ['Block', 'Filesystem'],
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': { type: ['Recreate', 'RollingUpdate'] },
  'io.k8s.api.apps.v1.DaemonSetUpdateStrategy': { type: ['RollingUpdate', 'OnDelete'] },
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy': { type: ['RollingUpdate', 'OnDelete'] },
  'io.k8s.api.apps.v1.StatefulSetSpec': { podManagementPolicy: ['OrderedReady', 'Parallel'] },
  'io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy': { whenDeleted: ['Retain', 'Delete'], whenScaled: ['Retain', 'Delete'] },
  'io.k8s.api.batch.v1.CronJobSpec': { concurrencyPolicy: ['Allow', 'Forbid', 'Replace'] },
  'io.k8s.api.batch.v1.JobSpec': { completionMode: ['NonIndexed', 'Indexed'], podReplacementPolicy: ['TerminatingOrFailed', 'Failed'] },
  'io.k8s.api.networking.v1.HTTPIngressPath': { pathType: ['Exact', 'Prefix', 'ImplementationSpecific'] },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { policyTypes: ['Ingress', 'Egress'] },
  'io.k8s.api.networking.v1.NetworkPolicyPort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: ['IfHealthyBudget', 'AlwaysAllow'] },
  'io.k8s.api.autoscaling.v2.MetricSpec': { type: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'] },
  'io.k8s.api.autoscaling.v2.MetricTarget': { type: ['AverageValue', 'Utilization', 'Value'] },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { selectPolicy: ['Disabled', 'Max', 'Min'] },
  'io.k8s.api.autoscaling.v2.HPAScalingPolicy': { type: ['Percent', 'Pods'] },
};

/** Adds the enums above to a converted definition. */
function addEnums(name: string, def: Obj): void {
  const table = ENUMS[name];
  if (!table || !isObj(def.properties)) return;
  for (const [prop, values] of Object.entries(table)) {
    const p = def.properties[prop];
    if (!isObj(p)) throw new Error(`enum table: ${name} has no property ${prop}`);
    if (p.type === 'array' && isObj(p.items)) p.items = { ...p.items, enum: values };
    else p.enum = values;
  }
}

function isObj(v: Json | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Ctx {
  /** Turns an upstream `$ref` into one that resolves from the output file. */
  ref(r: string): string;
  /** Looks a `$ref` up, to read list-map key defaults. */
  resolve(r: string): Obj | undefined;
}

/**
 * Converts one upstream schema node. A branch of a union (`oneOf`, `anyOf`, `allOf`, `not`)
 * only says which fields must or must not be set; closing it to other properties would reject
 * the fields its siblings describe, so only real objects are closed.
 */
function convert(node: Json, ctx: Ctx, branch = false): Obj {
  if (!isObj(node)) return {};
  // allOf with a single $ref (how OpenAPI v3 attaches a description to a reference).
  if (Array.isArray(node.allOf) && node.allOf.length === 1 && isObj(node.allOf[0]) && typeof node.allOf[0].$ref === 'string') {
    return { $ref: ctx.ref(node.allOf[0].$ref) };
  }
  if (typeof node.$ref === 'string') return { $ref: ctx.ref(node.$ref) };
  if (node['x-kubernetes-int-or-string'] === true || node.format === 'int-or-string') {
    return { type: ['integer', 'string'] };
  }
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) {
    if (!KEEP.has(k)) continue;
    switch (k) {
      case 'properties': {
        const props: Obj = {};
        for (const [name, p] of Object.entries(v as Obj)) props[name] = convert(p, ctx);
        out.properties = props;
        break;
      }
      case 'additionalProperties':
        out.additionalProperties = typeof v === 'boolean' ? v : convert(v, ctx);
        break;
      case 'items':
        out.items = Array.isArray(v) ? v.map((x) => convert(x, ctx)) : convert(v, ctx);
        break;
      case 'oneOf':
      case 'anyOf':
      case 'allOf':
        out[k] = (v as Json[]).map((x) => convert(x, ctx, true));
        break;
      case 'not':
        out.not = convert(v, ctx, true);
        break;
      case 'pattern':
        // Patterns are RE2; keep only those JavaScript reads the same way (checked below).
        if (typeof v === 'string' && jsPattern(v)) out.pattern = v;
        break;
      default:
        out[k] = v;
    }
  }
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (isObj(out.properties) && out.additionalProperties === undefined && !preserve && !branch) out.additionalProperties = false;
  if (preserve) delete out.additionalProperties;
  if (node['x-kubernetes-list-type'] === 'map' && Array.isArray(node['x-kubernetes-list-map-keys'])) {
    const keys = node['x-kubernetes-list-map-keys'] as string[];
    out['x-kubeguard-list-map-keys'] = { keys, defaults: keyDefaults(node.items, keys, ctx) };
  }
  // A Quantity is a string or a number; as a string it must parse.
  if (isObj(node) && Array.isArray(node.oneOf) && node.oneOf.length === 2 && quantityLike(node)) {
    return { type: ['string', 'number'], pattern: QUANTITY_PATTERN };
  }
  return out;
}

function quantityLike(node: Obj): boolean {
  const types = (node.oneOf as Json[]).map((x) => (isObj(x) ? x.type : undefined)).sort();
  return types[0] === 'number' && types[1] === 'string' && typeof node.description === 'string' && node.description.startsWith('Quantity');
}

/** Defaults of the key fields of a list-map's items (a port's protocol defaults to TCP). */
function keyDefaults(items: Json | undefined, keys: string[], ctx: Ctx): Obj {
  let item = isObj(items) ? items : undefined;
  if (item && Array.isArray(item.allOf) && isObj(item.allOf[0]) && typeof item.allOf[0].$ref === 'string') item = ctx.resolve(item.allOf[0].$ref);
  else if (item && typeof item.$ref === 'string') item = ctx.resolve(item.$ref);
  const out: Obj = {};
  const props = item && isObj(item.properties) ? item.properties : undefined;
  for (const k of keys) {
    const p = props?.[k];
    if (isObj(p) && p.default !== undefined) out[k] = p.default;
  }
  return out;
}

function jsPattern(p: string): boolean {
  try {
    new RegExp(p, 'u');
    return true;
  } catch {
    return false;
  }
}

interface KindEntry {
  /** apiVersion as written in manifests. */
  apiVersion: string;
  kind: string;
  /** Path under schemas/. */
  file: string;
  source: string;
}

/** The fixed apiVersion/kind pair and metadata of every kind schema. */
function envelope(apiVersion: string, kind: string, body: Obj, metaRef: string): Obj {
  const props = isObj(body.properties) ? { ...body.properties } : {};
  props.apiVersion = { const: apiVersion };
  props.kind = { const: kind };
  props.metadata = { $ref: metaRef };
  // Status is written by the cluster; whatever a manifest carries there is not checked.
  if (props.status) props.status = {};
  return { ...body, type: 'object', properties: props, required: ['apiVersion', 'kind'], additionalProperties: false };
}

function generateKubernetes(dir: string, version: string, kinds: KindEntry[], files: Map<string, Obj>): void {
  const defs: Obj = {};
  const upstream = new Map<string, Obj>();
  const sources = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const f of sources) {
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Obj;
    const schemas = (doc.components as Obj).schemas as Obj;
    for (const [name, s] of Object.entries(schemas)) upstream.set(name, s as Obj);
  }
  const name = (r: string) => r.replace('#/components/schemas/', '');
  const inDefs: Ctx = { ref: (r) => `#/definitions/${name(r)}`, resolve: (r) => upstream.get(name(r)) };
  for (const [n, s] of upstream) {
    const def = convert(s, inDefs);
    addEnums(n, def);
    defs[n] = def;
  }
  for (const n of Object.keys(ENUMS)) if (!upstream.has(n)) throw new Error(`enum table: no definition ${n}`);
  files.set(DEFS_FILE, { $comment: `Kubernetes ${version} definitions, generated from its OpenAPI v3 files.`, definitions: defs });

  for (const [n, s] of upstream) {
    const gvks = s['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks) || gvks.length !== 1 || n.startsWith('io.k8s.apimachinery.') || n.endsWith('List')) continue;
    const gvk = gvks[0] as Obj;
    const props = s.properties as Obj | undefined;
    if (!props || !props.metadata || !props.apiVersion || !props.kind) continue;
    const group = String(gvk.group);
    const apiVersion = group ? `${group}/${gvk.version}` : String(gvk.version);
    const file = `kubernetes/${group || 'core'}.${gvk.version}.${gvk.kind}.json`;
    const body = defs[n] as Obj;
    const schema = envelope(apiVersion, String(gvk.kind), rebase(body), '_definitions.json#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    files.set(file, { $comment: `${apiVersion} ${gvk.kind}, Kubernetes ${version}.`, ...schema });
    kinds.push({ apiVersion, kind: String(gvk.kind), file, source: `kubernetes ${version}` });
  }
}

/** Points a definition's inner references at the shared definitions file. */
function rebase(node: Json): Obj {
  return JSON.parse(JSON.stringify(node, (k, v) => (k === '$ref' && typeof v === 'string' ? v.replace('#/definitions/', '_definitions.json#/definitions/') : v))) as Obj;
}

function generateCrds(label: string, version: string, paths: string[], kinds: KindEntry[], files: Map<string, Obj>): void {
  const ctx: Ctx = { ref: (r) => r, resolve: () => undefined };
  for (const path of paths) {
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      const crd = doc.toJS() as Obj | null;
      if (!isObj(crd) || crd.kind !== 'CustomResourceDefinition') continue;
      const spec = crd.spec as Obj;
      const group = String(spec.group);
      const kind = String((spec.names as Obj).kind);
      for (const v of spec.versions as Obj[]) {
        const s = ((v.schema as Obj | undefined)?.openAPIV3Schema ?? undefined) as Obj | undefined;
        if (!s || v.served === false) continue;
        const apiVersion = `${group}/${v.name}`;
        const file = `${label}/${group}.${v.name}.${kind}.json`;
        const body = convert(s, ctx);
        const schema = envelope(apiVersion, kind, body, '../kubernetes/_definitions.json#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
        files.set(file, { $comment: `${apiVersion} ${kind}, ${label} ${version} (${basename(path)}).`, ...schema });
        kinds.push({ apiVersion, kind, file, source: `${label} ${version}` });
      }
    }
  }
}

/** The single version directory under `<src>/<name>/`. */
function versionDir(src: string, name: string): { dir: string; version: string } {
  const base = join(src, name);
  const versions = readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  if (versions.length !== 1) throw new Error(`expected one version directory under ${name}/, found ${versions.join(', ') || 'none'}`);
  return { dir: join(base, versions[0]!), version: versions[0]!.replace(/^v/, '') };
}

export function generate(src: string): Map<string, Obj> {
  const files = new Map<string, Obj>();
  const kinds: KindEntry[] = [];
  const sources: Obj = {};
  const k8s = versionDir(src, 'kubernetes');
  generateKubernetes(k8s.dir, k8s.version, kinds, files);
  sources.kubernetes = k8s.version;
  for (const label of ['istio', 'keda', 'gateway-api']) {
    const { dir, version } = versionDir(src, label);
    const yamls = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
    generateCrds(label, version, yamls, kinds, files);
    sources[label] = version;
  }
  kinds.sort((a, b) => (a.apiVersion + a.kind < b.apiVersion + b.kind ? -1 : 1));
  const index: Obj = { $comment: 'Generated by `npm run schemas`; do not edit.', sources, kinds: {} };
  for (const k of kinds) (index.kinds as Obj)[`${k.apiVersion} ${k.kind}`] = k.file;
  files.set('index.json', index);
  return files;
}

/** Compiles every kind schema once, so a schema ajv cannot read never ships. */
function check(files: Map<string, Obj>): void {
  const ajv = createAjv(Ajv);
  for (const [file, schema] of files) if (file !== 'index.json') ajv.addSchema({ ...schema, $id: SCHEMA_BASE + file });
  for (const file of Object.values((files.get('index.json')!.kinds as Obj))) ajv.getSchema(SCHEMA_BASE + String(file));
}

if (require.main === module) {
  const src = process.argv[2];
  if (!src || !existsSync(src)) {
    console.error('usage: npm run schemas -- <source dir>');
    process.exit(2);
  }
  const files = generate(src);
  const started = Date.now();
  check(files);
  rmSync(OUT, { recursive: true, force: true });
  let bytes = 0;
  for (const [file, schema] of files) {
    const full = join(OUT, file);
    mkdirSync(join(full, '..'), { recursive: true });
    const text = JSON.stringify(schema) + '\n';
    bytes += text.length;
    writeFileSync(full, text);
  }
  const index = files.get('index.json')!;
  console.log(`${Object.keys(index.kinds as Obj).length} kinds, ${files.size} files, ${(bytes / 1024).toFixed(0)} KiB; all compiled in ${Date.now() - started} ms.`);
  console.log(`sources: ${JSON.stringify(index.sources)}`);
}
