// Kubernetes label selectors: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).
import type { YamlView } from '../yaml/nodes.ts';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A parsed selector; `undefined` requirements mean the selector could not be read (treat as unknown). */
export interface Selector {
  requirements: Requirement[];
}

/** Reads a LabelSelector node. An absent or empty selector selects everything. */
export function readSelector(v: YamlView, node: unknown): Selector | undefined {
  const requirements: Requirement[] = [];
  if (node === undefined || node === null || v.deref(node) === undefined) return { requirements };
  if (!v.map(node)) return undefined;
  for (const p of v.pairs(v.get(node, 'matchLabels'))) {
    const key = v.keyOf(p);
    const value = v.text(p.value);
    if (key === undefined || value === undefined) return undefined;
    requirements.push({ key, operator: 'In', values: [value] });
  }
  for (const e of v.items(v.get(node, 'matchExpressions'))) {
    const key = v.text(v.get(e, 'key'));
    const operator = v.text(v.get(e, 'operator'));
    if (key === undefined || (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist')) {
      return undefined;
    }
    requirements.push({ key, operator, values: v.strings(v.get(e, 'values')) });
  }
  return { requirements };
}

/** Whether one requirement holds for a label's value (undefined: the label is absent). */
export function requirementHolds(r: Requirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && r.values.includes(value);
    case 'NotIn':
      return value === undefined || !r.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
  }
}

export function matches(selector: Selector, labels: ReadonlyMap<string, string>): boolean {
  return selector.requirements.every((r) => requirementHolds(r, labels.get(r.key)));
}

/**
 * Whether two objects of a file can end up in the same namespace. An object without a namespace
 * gets one when it is applied (`kubectl apply -n`, kustomize's `namespace:`), so it may land next
 * to any other; two explicit namespaces must be equal. `namespace: ""` counts as none.
 * Used by the rules that join objects by namespace (ServiceAccount and pod, Service and workload):
 * they stay quiet or compare whenever the objects can meet.
 */
export function namespacesMayMatch(a: string | undefined, b: string | undefined): boolean {
  return !a || !b || a === b;
}

/**
 * `default` and no namespace at all land in the same place when applied without `-n`.
 * Stricter than `namespacesMayMatch`: a missing namespace matches only `default`.
 */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  const norm = (ns: string | undefined) => (ns === undefined || ns === '' ? 'default' : ns);
  return norm(a) === norm(b);
}

/** Reads a LabelSelector from plain data (a workspace object); undefined when unreadable. */
export function selectorOfPlain(node: unknown): Selector | undefined {
  const requirements: Requirement[] = [];
  if (node === undefined || node === null) return { requirements };
  if (typeof node !== 'object' || Array.isArray(node)) return undefined;
  const rec = node as Record<string, unknown>;
  const labels = rec.matchLabels;
  if (labels !== undefined && labels !== null) {
    if (typeof labels !== 'object' || Array.isArray(labels)) return undefined;
    for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
      requirements.push({ key, operator: 'In', values: [String(value)] });
    }
  }
  const exprs = rec.matchExpressions;
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) return undefined;
    for (const e of exprs) {
      const r = e && typeof e === 'object' ? (e as Record<string, unknown>) : {};
      const key = r.key;
      const operator = r.operator;
      if (typeof key !== 'string' || (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist')) return undefined;
      const values = Array.isArray(r.values) ? r.values.map(String) : [];
      requirements.push({ key, operator, values });
    }
  }
  return { requirements };
}

/** A selector in words, for messages: `app=web, tier in (a, b)`; "every pod" when empty. */
export function describeSelector(s: Selector | undefined): string {
  if (!s) return 'an unreadable selector';
  if (s.requirements.length === 0) return 'every pod';
  return s.requirements
    .map((r) =>
      r.operator === 'In' && r.values.length === 1
        ? `${r.key}=${r.values[0]}`
        : r.operator === 'Exists'
          ? r.key
          : r.operator === 'DoesNotExist'
            ? `!${r.key}`
            : `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(', ')})`,
    )
    .join(', ');
}
