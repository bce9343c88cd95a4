// What the workspace knows about an object in another file: its identity, its content as plain
// data, and where it is. No YAML tree is kept for files that are not open, so a workspace of ten
// thousand objects costs a few megabytes.
import { isMap } from 'yaml';
import type { Resource } from '../k8s/resource.ts';
import { toPlain } from '../schema/validate.ts';

export interface WorkspaceObject {
  uri: string;
  apiVersion: string;
  group: string;
  kind: string;
  name: string | undefined;
  /** The namespace it lands in: its own, else its kustomization's, else `default`. */
  namespace: string;
  /** The namespace written in the object, if any. */
  ownNamespace: string | undefined;
  /** The object as the API server would read it (empty when too large to convert). */
  data: Record<string, unknown>;
  /** 0-based line and character of its name (or kind), for related information. */
  line: number;
  character: number;
  /** For objects of the file being analysed: the resource, to report against. */
  resource?: Resource;
}

const plainCache = new WeakMap<Resource, Record<string, unknown>>();

/** The plain data of a resource, computed once per parsed object. */
export function plainOf(r: Resource): Record<string, unknown> {
  let p = plainCache.get(r);
  if (!p) {
    const value = isMap(r.root) ? toPlain(r.view, r.root) : undefined;
    p = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    plainCache.set(r, p);
  }
  return p;
}

export function effectiveNamespace(explicit: string | undefined, fallback: string | undefined): string {
  return explicit !== undefined && explicit !== '' ? explicit : fallback ?? 'default';
}

/**
 * A workspace object for a resource placed at `position` in file `uri`. Its plain data is
 * converted when first read: most rules look at a few kinds only, and a file's first analysis
 * should not convert every object of it.
 */
export function objectOf(
  uri: string,
  r: Resource,
  position: { line: number; character: number },
  defaultNamespace: string | undefined,
  keepResource: boolean,
): WorkspaceObject {
  let data: Record<string, unknown> | undefined;
  // Held only until the data is read, so an object kept in the index does not keep the YAML tree.
  let source: Resource | undefined = r;
  return {
    uri,
    apiVersion: r.apiVersion,
    group: r.group,
    kind: r.kind,
    name: r.name,
    namespace: effectiveNamespace(r.namespace, defaultNamespace),
    ownNamespace: r.namespace,
    get data() {
      if (!data) {
        data = plainOf(source!);
        source = undefined;
      }
      return data;
    },
    line: position.line,
    character: position.character,
    resource: keepResource ? r : undefined,
  };
}

/** Reads a dotted path of map keys from plain data. */
export function dig(data: unknown, ...path: string[]): unknown {
  let cur = data;
  for (const key of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** String labels of a map (`metadata.labels`, a pod template's labels). */
export function labelMap(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const rec = asRecord(v);
  if (!rec) return out;
  for (const [k, val] of Object.entries(rec)) {
    if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out.set(k, String(val));
  }
  return out;
}
