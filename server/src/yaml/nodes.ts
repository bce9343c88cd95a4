// Read-only access to a parsed YAML document with source ranges kept.
// Aliases are followed one hop at a time along the path being read, never expanded
// wholesale, so an alias bomb costs no more than an ordinary document.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Node as YamlNode,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

export type { Pair, Scalar, YAMLMap, YAMLSeq };
export type AnyNode = YamlNode;
export type Primitive = string | number | boolean | null;

const MAX_ALIAS_HOPS = 32;
/** How many merged entries one document may expand to, in all its maps together. */
const MAX_MERGED_PAIRS = 100_000;

function hasMerge(map: YAMLMap): boolean {
  for (const item of map.items as Pair[]) if (isMergeKey(item)) return true;
  return false;
}

/** A view over one parsed document: every lookup resolves aliases and `<<` merge keys. */
export class YamlView {
  constructor(readonly doc: Document.Parsed) {}

  /** Follows an alias (or a chain of them) to the node it names. */
  deref(node: unknown): YamlNode | undefined {
    let current = node;
    for (let hops = 0; hops < MAX_ALIAS_HOPS; hops++) {
      if (isAlias(current)) {
        current = current.resolve(this.doc);
        continue;
      }
      return (current ?? undefined) as YamlNode | undefined;
    }
    return undefined;
  }

  map(node: unknown): YAMLMap | undefined {
    const n = this.deref(node);
    return isMap(n) ? n : undefined;
  }

  seq(node: unknown): YAMLSeq | undefined {
    const n = this.deref(node);
    return isSeq(n) ? n : undefined;
  }

  scalarNode(node: unknown): Scalar | undefined {
    const n = this.deref(node);
    return isScalar(n) ? n : undefined;
  }

  /** The scalar's value (string, number, boolean or null), or undefined for a collection or nothing. */
  value(node: unknown): Primitive | undefined {
    const s = this.scalarNode(node);
    if (!s) return undefined;
    const v = s.value;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return Number(v);
    return undefined;
  }

  str(node: unknown): string | undefined {
    const v = this.value(node);
    return typeof v === 'string' ? v : undefined;
  }

  /** A scalar rendered as text whatever its type (`8080` and `"8080"` both give "8080"). */
  text(node: unknown): string | undefined {
    const v = this.value(node);
    return v === undefined || v === null ? undefined : String(v);
  }

  /** True only for a real boolean true (a quoted "true" is a string, as Kubernetes sees it). */
  isTrue(node: unknown): boolean {
    return this.value(node) === true;
  }

  isFalse(node: unknown): boolean {
    return this.value(node) === false;
  }

  /** The key of a pair as a string, or undefined for merge keys and complex keys. */
  keyOf(pair: Pair): string | undefined {
    const k = pair.key;
    if (!isScalar(k)) return undefined;
    if (typeof k.value === 'symbol') return undefined;
    return k.value === null || k.value === undefined ? undefined : String(k.value);
  }

  /** The pairs of a map, with `<<` merges applied: explicit keys first, then merged ones not overridden. */
  pairs(node: unknown): Pair[] {
    const map = this.map(node);
    if (!map) return [];
    if (!hasMerge(map)) return map.items as Pair[];
    return [...this.merged(map).values()];
  }

  /** The pair for `key` in a map: the map's own pair, else one brought in by a `<<` merge. */
  pair(node: unknown, key: string): Pair | undefined {
    const map = this.map(node);
    if (!map) return undefined;
    if (!hasMerge(map)) {
      for (const item of map.items as Pair[]) if (this.keyOf(item) === key) return item;
      return undefined;
    }
    return this.merged(map).get(key);
  }

  private mergedCache = new WeakMap<YAMLMap, Map<string, Pair>>();
  private mergeBudget = MAX_MERGED_PAIRS;

  /**
   * A map's pairs by key with its merges applied, built once per map. Merges that refer back to
   * a map being built are ignored, and the total work is capped, so a merge bomb (each level
   * merging the previous one twice) or a map merging itself costs no more than its text.
   */
  private merged(map: YAMLMap, visiting: Set<YAMLMap> = new Set()): Map<string, Pair> {
    const cached = this.mergedCache.get(map);
    if (cached) return cached;
    const out = new Map<string, Pair>();
    if (visiting.has(map)) return out;
    visiting.add(map);
    const merges: Pair[] = [];
    for (const item of map.items as Pair[]) {
      if (isMergeKey(item)) {
        merges.push(item);
        continue;
      }
      const k = this.keyOf(item);
      if (k !== undefined && !out.has(k)) out.set(k, item);
    }
    for (const m of merges) {
      for (const source of this.mergeSources(m.value)) {
        for (const [k, p] of this.merged(source as YAMLMap, visiting)) {
          if (this.mergeBudget <= 0) break;
          this.mergeBudget--;
          if (!out.has(k)) out.set(k, p);
        }
      }
    }
    visiting.delete(map);
    this.mergedCache.set(map, out);
    return out;
  }

  /** The value node under `key` (aliases not yet followed, so ranges stay where the text is). */
  get(node: unknown, key: string): YamlNode | undefined {
    return (this.pair(node, key)?.value ?? undefined) as YamlNode | undefined;
  }

  has(node: unknown, key: string): boolean {
    return this.pair(node, key) !== undefined;
  }

  /** Walks a path of map keys and sequence indexes. */
  at(node: unknown, path: readonly (string | number)[]): YamlNode | undefined {
    let current: unknown = node;
    for (const step of path) {
      if (typeof step === 'number') {
        current = this.seq(current)?.items[step];
      } else {
        current = this.get(current, step);
      }
      if (current === undefined || current === null) return undefined;
    }
    return this.deref(current);
  }

  /** The items of a sequence (empty for anything else). */
  items(node: unknown): YamlNode[] {
    return (this.seq(node)?.items ?? []) as YamlNode[];
  }

  /** A sequence of scalars as strings (non-scalars skipped). */
  strings(node: unknown): string[] {
    const out: string[] = [];
    for (const item of this.items(node)) {
      const t = this.text(item);
      if (t !== undefined) out.push(t);
    }
    return out;
  }

  private mergeSources(value: unknown): YamlNode[] {
    const target = this.deref(value);
    if (isMap(target)) return [target];
    if (isSeq(target)) {
      const out: YamlNode[] = [];
      for (const item of target.items) {
        const m = this.map(item);
        if (m) out.push(m);
      }
      return out;
    }
    return [];
  }
}

export function isMergeKey(pair: Pair): boolean {
  const k = pair.key;
  return isScalar(k) && (typeof k.value === 'symbol' || (k.value === '<<' && k.type === 'PLAIN'));
}

/** [start, end) of a node's value in the source text, without trailing comments. */
export function nodeRange(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  if (!r) return undefined;
  return [r[0], r[1]];
}
