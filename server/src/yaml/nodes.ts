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
    const own: Pair[] = [];
    let merged: Pair[] | undefined;
    for (const item of map.items as Pair[]) {
      if (isMergeKey(item)) {
        merged ??= [];
        for (const source of this.mergeSources(item.value)) merged.push(...this.pairs(source));
      } else {
        own.push(item);
      }
    }
    if (!merged) return own;
    const seen = new Set(own.map((p) => this.keyOf(p)));
    const result = own.slice();
    for (const p of merged) {
      const k = this.keyOf(p);
      if (k === undefined || seen.has(k)) continue;
      seen.add(k);
      result.push(p);
    }
    return result;
  }

  /** The pair for `key` in a map: the map's own pair, else one brought in by a `<<` merge. */
  pair(node: unknown, key: string): Pair | undefined {
    const map = this.map(node);
    if (!map) return undefined;
    let hasMerge = false;
    for (const item of map.items as Pair[]) {
      if (isMergeKey(item)) hasMerge = true;
      else if (this.keyOf(item) === key) return item;
    }
    if (!hasMerge) return undefined;
    for (const item of map.items as Pair[]) {
      if (!isMergeKey(item)) continue;
      for (const source of this.mergeSources(item.value)) {
        const found = this.pair(source, key);
        if (found) return found;
      }
    }
    return undefined;
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
