// Suppressions, the three ways a user can say "I know, and it is fine here":
//   # kubeguard-disable-next-line <rule-id>[, <rule-id>...] [-- reason]   the next line only
//   # kubeguard-disable-file <rule-id>[, <rule-id>...] [-- reason]        the whole file
//   metadata.annotations["kubeguard.io/ignore"]: <rule-id>[,<rule-id>...]  the whole object
// With no rule ids, a comment silences every rule; `all` does the same in the annotation.
import type { Resource } from '../k8s/resource.ts';
import type { LineMap } from '../yaml/parse.ts';

export const IGNORE_ANNOTATION = 'kubeguard.io/ignore';

export type RuleSet = Set<string> | 'all';

export interface Directives {
  /** Line (0-based, in the chunk) -> rules silenced on it. */
  nextLine: Map<number, RuleSet>;
  file: RuleSet | undefined;
}

const DIRECTIVE = /^[ \t]*#[ \t]*kubeguard-disable-(next-line|file)\b(.*)$/gm;

function parseIds(rest: string): RuleSet {
  const body = rest.split(/\s--\s|\s--$/)[0]!.trim();
  const ids = body.split(/[\s,]+/).filter(Boolean);
  return ids.length === 0 ? 'all' : new Set(ids);
}

function union(a: RuleSet | undefined, b: RuleSet): RuleSet {
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...(a ?? []), ...b]);
}

export function readDirectives(text: string, lines: LineMap): Directives {
  const d: Directives = { nextLine: new Map(), file: undefined };
  if (!text.includes('kubeguard-disable')) return d;
  for (const m of text.matchAll(DIRECTIVE)) {
    const ids = parseIds(m[2]!.replace(/\r$/, ''));
    if (m[1] === 'file') {
      d.file = union(d.file, ids);
    } else {
      const line = lines.lineOf(m.index!) + 1;
      d.nextLine.set(line, union(d.nextLine.get(line), ids));
    }
  }
  return d;
}

const annotationCache = new WeakMap<Resource, RuleSet | null>();

/** The rules an object's `kubeguard.io/ignore` annotation silences. */
export function ignoredByAnnotation(r: Resource): RuleSet | undefined {
  let cached = annotationCache.get(r);
  if (cached === undefined) {
    const value = r.view.text(r.view.get(r.view.get(r.metadata, 'annotations'), IGNORE_ANNOTATION));
    const ids = value?.split(/[\s,]+/).filter(Boolean) ?? [];
    cached = ids.length === 0 ? null : ids.includes('all') || ids.includes('*') ? 'all' : new Set(ids);
    annotationCache.set(r, cached);
  }
  return cached ?? undefined;
}

function has(set: RuleSet | undefined, id: string): boolean {
  return set === 'all' || (set !== undefined && set.has(id));
}

/** Whether a finding (chunk-relative) is silenced by a next-line comment or its object's annotation. */
export function ignoredBy(d: Directives, r: Resource, f: { ruleId: string; start: { line: number } }): boolean {
  if (f.ruleId === 'yaml-syntax') return false;
  if (has(d.nextLine.get(f.start.line), f.ruleId)) return true;
  return has(ignoredByAnnotation(r), f.ruleId);
}
