// Schema validation: picks the generated JSON Schema for an object's apiVersion and kind,
// compiles it on first use, and turns ajv's errors into problems placed on YAML nodes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { createAjv, LIST_MAP_KEYWORD } from './keywords.ts';
import type { AnyNode, YamlView } from '../yaml/nodes.ts';
import { isMap, isPair, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import { nodeRange } from '../yaml/nodes.ts';

export const SCHEMA_BASE = 'https://kubeguard.invalid/schemas/';

interface Index {
  sources: Record<string, string>;
  kinds: Record<string, string>;
}

/** Where the generated schemas are: beside the bundle (dist/../schemas) or the sources. */
function findSchemaDir(): string | undefined {
  for (const dir of [join(__dirname, '..', 'schemas'), join(__dirname, '..', '..', '..', 'schemas')]) {
    if (existsSync(join(dir, 'index.json'))) return dir;
  }
  return undefined;
}

class SchemaStore {
  private ajv: Ajv | undefined;
  private index: Index | undefined;
  private validators = new Map<string, ValidateFunction | null>();
  private loaded = new Set<string>();
  /** Kinds waiting to be compiled in the background (the editor's mode; see `deferCompilation`). */
  private pending = new Set<string>();
  private deferred: ((generation: number) => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Goes up each time background compilation makes new validators ready; analysis results that
   * were computed without them are stale from then on.
   */
  generation = 0;

  constructor(private readonly dir: string | undefined) {}

  /**
   * Compiles schemas after the current work instead of in the middle of it. Compiling the
   * Deployment schema takes a few hundred milliseconds on a cold process, which would hold up the
   * first diagnostics of a file; in this mode the other rules report at once and schema problems
   * follow when `onReady` has been called (the caller then analyses the open files again).
   */
  deferCompilation(onReady: (generation: number) => void): void {
    this.deferred = onReady;
  }

  /** Counts the validations that found their schema still waiting (analysis results then lack them). */
  pendingHits = 0;

  /**
   * Starts compiling what is waiting, shortly: the language server calls this once it has sent
   * the diagnostics of an analysis, so the compile never holds them up.
   */
  compileSoon(): void {
    if (this.pending.size === 0 || this.timer) return;
    this.timer = setTimeout(() => this.compilePending(), 20);
  }

  /** The kind's validator; undefined when we have no schema for it (other CRDs), 'pending' while it compiles. */
  validator(apiVersion: string, kind: string): ValidateFunction | 'pending' | undefined {
    const key = `${apiVersion} ${kind}`;
    const cached = this.validators.get(key);
    if (cached !== undefined) return cached ?? undefined;
    if (this.deferred && this.readIndex()?.kinds[key]) {
      this.pending.add(key);
      this.pendingHits++;
      return 'pending';
    }
    return this.compile(key);
  }

  private compilePending(): void {
    this.timer = undefined;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) this.compile(key);
    this.generation++;
    this.deferred?.(this.generation);
  }

  private compile(key: string): ValidateFunction | undefined {
    let fn: ValidateFunction | null = null;
    try {
      const file = this.readIndex()?.kinds[key];
      if (file) {
        const ajv = this.getAjv();
        this.load(file);
        fn = ajv.getSchema(SCHEMA_BASE + file) ?? null;
      }
    } catch {
      fn = null;
    }
    this.validators.set(key, fn);
    return fn ?? undefined;
  }

  sources(): Record<string, string> {
    return this.readIndex()?.sources ?? {};
  }

  hasSchema(apiVersion: string, kind: string): boolean {
    return Boolean(this.readIndex()?.kinds[`${apiVersion} ${kind}`]);
  }

  private readIndex(): Index | undefined {
    if (!this.index && this.dir) this.index = JSON.parse(readFileSync(join(this.dir, 'index.json'), 'utf8')) as Index;
    return this.index;
  }

  private getAjv(): Ajv {
    this.ajv ??= createAjv(Ajv);
    return this.ajv;
  }

  /** Adds a schema file and the files it refers to. */
  private load(file: string): void {
    if (this.loaded.has(file) || !this.dir) return;
    this.loaded.add(file);
    const schema = JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as Record<string, unknown>;
    const refs = new Set<string>();
    JSON.stringify(schema, (k, v: unknown) => {
      if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) refs.add(v.split('#')[0]!);
      return v;
    });
    this.getAjv().addSchema({ ...schema, $id: SCHEMA_BASE + file });
    const base = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    for (const r of refs) this.load(normalize(base + r));
  }
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

let store: SchemaStore | undefined;
export function schemas(): SchemaStore {
  store ??= new SchemaStore(findSchemaDir());
  return store;
}

/** The plain value of a YAML node, as the API server would read it; undefined when too big. */
const MAX_NODES = 200_000;
export function toPlain(view: YamlView, node: AnyNode | undefined): unknown {
  let budget = MAX_NODES;
  const walk = (n: unknown, depth: number): unknown => {
    if (--budget < 0 || depth > 200) throw new TooBig();
    const d = view.deref(n);
    if (isMap(d)) {
      const out: Record<string, unknown> = {};
      for (const p of view.pairs(d)) {
        const key = view.keyOf(p);
        if (key === undefined) continue;
        const v = view.deref(p.value);
        // A key with no value, or `null`, is left unset (that is how the API server reads it).
        if (v === undefined || (isScalar(v) && v.value === null)) continue;
        out[key] = walk(v, depth + 1);
      }
      return out;
    }
    if (isSeq(d)) return d.items.map((i) => walk(i, depth + 1));
    if (isScalar(d)) {
      // Kubernetes' YAML reader keeps timestamps as strings and has no base-60 numbers
      // (`12:30`): the text stands, as it does for the API server.
      if (d.value instanceof Date || d.format === 'TIME') return typeof d.source === 'string' ? d.source : String(d.value);
      return d.value;
    }
    return null;
  };
  try {
    return walk(node, 0);
  } catch (e) {
    if (e instanceof TooBig) return undefined;
    throw e;
  }
}
class TooBig extends Error {}

export interface SchemaProblem {
  at: AnyNode | Pair;
  part: 'key' | 'value';
  message: string;
  keyword: string;
  /** For an unknown key that is one or two edits from a known one. */
  rename?: { pair: Pair; to: string };
  /** For a value that differs from an allowed one only in case. */
  replace?: { node: AnyNode; to: string };
}

/** Validates one object; problems are placed on the nodes they are about. */
export function validateObject(
  view: YamlView,
  root: YAMLMap,
  apiVersion: string,
  kind: string,
  options: { skipDuplicatesAt?: RegExp; data?: unknown } = {},
): SchemaProblem[] {
  const fn = schemas().validator(apiVersion, kind);
  if (!fn || fn === 'pending') return [];
  const data = options.data ?? toPlain(view, root);
  if (data === undefined) return [];
  if (fn(data)) return [];
  // Duplicate entries another rule reports (env vars) are left to it; other errors there stay.
  const errors = collapse(fn.errors ?? []).filter((e) => !(e.keyword === LIST_MAP_KEYWORD && options.skipDuplicatesAt?.test(e.instancePath)));
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const p = describe(view, root, e);
    if (!p) continue;
    const at = isPair(p.at) ? nodeRange(p.at.key) ?? nodeRange(p.at.value) : nodeRange(p.at);
    const key = `${p.message}@${at ? at.join(':') : e.instancePath}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
    if (out.length >= 25) break;
  }
  return out;
}

/**
 * One error per failed `oneOf`/`anyOf`: the errors of its branches are dropped (each branch
 * explains why it did not match, which is noise next to the one message about the union).
 */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  if (unions.length === 0) return errors;
  return errors.filter((e) => {
    for (const u of unions) {
      if (e === u) continue;
      if (e.schemaPath.startsWith(u.schemaPath + '/') && e.instancePath.startsWith(u.instancePath)) return false;
    }
    return true;
  });
}

function pathOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Walks a JSON pointer through the YAML, returning the node and the pair that holds it. */
function locate(view: YamlView, root: YAMLMap, pointer: string): { node: AnyNode | undefined; pair: Pair | undefined; name: string } {
  let node: AnyNode | undefined = root;
  let pair: Pair | undefined;
  let name = '';
  for (const seg of pathOf(pointer)) {
    const d = view.deref(node);
    if (isSeq(d)) {
      const item = d.items[Number(seg)] as AnyNode | undefined;
      if (item === undefined) break;
      node = item;
      name = `${name}[${seg}]`;
    } else if (isMap(d)) {
      const p = view.pair(d, seg);
      if (!p) break;
      pair = p;
      node = p.value as AnyNode | undefined;
      name = seg;
    } else break;
  }
  return { node, pair, name };
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a map of fields',
  array: 'a list',
  null: 'empty',
};

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'empty';
  if (typeof v === 'object') return 'a map of fields';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a whole number' : 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return `a ${typeof v}`;
}

function expectedTypes(t: unknown): string {
  const list = (Array.isArray(t) ? t : [t]).map((x) => TYPE_WORDS[String(x)] ?? String(x));
  return list.join(' or ');
}

function where(name: string): string {
  return name ? `\`${name}\`` : 'the object';
}

function describe(view: YamlView, root: YAMLMap, e: ErrorObject): SchemaProblem | undefined {
  const loc = locate(view, root, e.instancePath);
  const valueAt = (): AnyNode | Pair | undefined => loc.node ?? loc.pair;
  const field = loc.name || 'the object';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const map = view.map(loc.node ?? root);
      const pair = map ? view.pair(map, key) : undefined;
      if (!pair) return undefined;
      const known = Object.keys(((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}));
      const guess = closest(key, known);
      const inWhat = loc.name ? ` in \`${loc.name}\`` : '';
      const hint = guess
        ? `; did you mean \`${guess}\`?`
        : known.length > 0 && known.length <= 12
          ? `. Known fields here: ${known.map((k) => `\`${k}\``).join(', ')}.`
          : '.';
      return {
        at: pair,
        part: 'key',
        keyword: e.keyword,
        message: `Unknown field \`${key}\`${inWhat}${hint} Depending on the tool that applies it, the object is rejected or the field is silently dropped, and the setting has no effect.`,
        // No rename onto a key the map already has: that would write a duplicate key.
        rename: guess && distance(key, guess) <= 2 && !view.pair(map!, guess) ? { pair, to: guess } : undefined,
      };
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      // A list item has no key of its own: its first line is underlined instead.
      const item = loc.name.endsWith(']') ? loc.node : undefined;
      const at = item ?? loc.pair ?? view.pair(root, 'kind');
      if (!at) return undefined;
      return {
        at,
        part: 'key',
        keyword: e.keyword,
        message: `${loc.pair || item ? `\`${loc.name}\`` : 'The object'} is missing the required field \`${missing}\`; the API server rejects the object without it.`,
      };
    }
    case 'type': {
      const at = valueAt();
      if (!at) return undefined;
      return {
        at,
        part: 'value',
        keyword: e.keyword,
        message: `${where(field)} must be ${expectedTypes((e.params as { type: unknown }).type)}, not ${typeOf(e.data)}${typeHint(e)}; the API server rejects the object.`,
      };
    }
    case 'enum': {
      const at = valueAt();
      if (!at) return undefined;
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const guess = typeof e.data === 'string' ? closest(e.data, allowed.map(String), true) : undefined;
      const node = loc.node && isScalar(view.deref(loc.node)) && loc.node === view.deref(loc.node) ? loc.node : undefined;
      return {
        at,
        part: 'value',
        keyword: e.keyword,
        replace: guess && node ? { node, to: guess } : undefined,
        message: `${where(field)} is ${JSON.stringify(e.data)}, which is not one of ${allowed.map((a) => `\`${String(a)}\``).join(', ')}${guess ? ` (did you mean \`${guess}\`?)` : ''}.`,
      };
    }
    case 'pattern': {
      const at = valueAt();
      if (!at) return undefined;
      const quantity = (e.params as { pattern: string }).pattern.includes('[KMGTPE]i');
      return {
        at,
        part: 'value',
        keyword: e.keyword,
        message: quantity
          ? `${where(field)} is ${JSON.stringify(e.data)}, which is not a quantity: write a number with an optional unit, like \`500m\`, \`2\`, \`128Mi\` or \`1Gi\`.`
          : `${where(field)} is ${JSON.stringify(e.data)}, which does not have the expected form (${(e.params as { pattern: string }).pattern}).`,
      };
    }
    case 'oneOf':
    case 'anyOf': {
      const at = valueAt();
      if (!at) return undefined;
      const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
      const fields = unionFields(e.schema);
      const message = Array.isArray(passing) && passing.length > 1
        ? fields.length > 0
          ? `${where(field)} sets more than one of ${fields.map((f) => `\`${f}\``).join(', ')}; set only one.`
          : `${where(field)} matches more than one of the allowed forms; make it match exactly one.`
        : fields.length > 0
          ? `${where(field)} must set exactly one of ${fields.map((f) => `\`${f}\``).join(', ')} in a valid form.`
          : `${where(field)} does not match any of the forms this field allows${unionTypes(e.schema)}.`;
      return { at, part: 'value', keyword: e.keyword, message };
    }
    case LIST_MAP_KEYWORD: {
      const { index, first, keys, values } = e.params as { index: number; first: number; keys: string[]; values: unknown[] };
      const seq = view.seq(loc.node);
      const item = seq?.items[index] as AnyNode | undefined;
      const keyPair = item && keys[0] ? view.pair(item, keys[0]) : undefined;
      const at = keyPair ?? item ?? valueAt();
      if (!at) return undefined;
      const what = keys.map((k, i) => `${k} ${JSON.stringify(values[i])}`).join(' and ');
      return {
        at,
        part: keyPair ? 'value' : 'key',
        keyword: e.keyword,
        message: `Entry ${index + 1} of ${where(field)} repeats entry ${first + 1} (${what}); the API server rejects duplicate entries, or one silently replaces the other when applied. Remove or rename one.`,
      };
    }
    case 'const':
      return undefined;
    default: {
      const at = valueAt();
      if (!at) return undefined;
      return { at, part: 'value', keyword: e.keyword, message: `${where(field)} ${e.message ?? 'is not valid'}.` };
    }
  }
}

function typeHint(e: ErrorObject): string {
  const want = (e.params as { type: unknown }).type;
  const wants = Array.isArray(want) ? want : [want];
  if (wants.includes('string') && (typeof e.data === 'number' || typeof e.data === 'boolean')) return ' (quote it)';
  return '';
}

/** The field names a union's branches require, when it is an "exactly one of" union. */
function unionFields(schema: unknown): string[] {
  if (!Array.isArray(schema)) return [];
  const out = new Set<string>();
  for (const b of schema) {
    const req = (b as { required?: unknown }).required;
    if (Array.isArray(req)) for (const r of req) out.add(String(r));
  }
  return [...out];
}

function unionTypes(schema: unknown): string {
  if (!Array.isArray(schema)) return '';
  const types = schema.map((b) => (b as { type?: unknown }).type).filter((t) => typeof t === 'string');
  return types.length === schema.length ? ` (it must be ${expectedTypes(types)})` : '';
}

/** The known name nearest to `name`, when it is close enough to be a typo. */
export function closest(name: string, known: readonly string[], caseOnly = false): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    if (k.toLowerCase() === name.toLowerCase()) return k;
    if (caseOnly) continue;
    const d = distance(name, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  if (bestD <= limit) return best;
  if (caseOnly) return undefined;
  // A name written with another ending: `minReplicas` for `minReplicaCount`.
  const prefix = (k: string) => {
    let i = 0;
    while (i < k.length && i < name.length && k[i]!.toLowerCase() === name[i]!.toLowerCase()) i++;
    return i;
  };
  const byPrefix = known.filter((k) => prefix(k) >= Math.max(6, name.length - 2));
  return byPrefix.length === 1 ? byPrefix[0] : undefined;
}

/** Edit distance (insertions, deletions, substitutions, case changes count as one). */
export function distance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
