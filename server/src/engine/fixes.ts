// Turning fixes into text edits, suppression edits, and fix-all.
import { EditBuilder, applyEdits, type TextEdit } from '../yaml/edit.ts';
import { IGNORE_ANNOTATION, ignoredByAnnotation } from './suppress.ts';
import { Analyzer, type Finding } from './analyze.ts';
import type { Fix } from './rule.ts';
import type { Settings } from './settings.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { hardenFix } from './harden.ts';
import type { Resource } from '../k8s/resource.ts';

/** The edits of `fix`, in offsets of the whole text the finding came from. */
export function fixEdits(f: Finding, fix: Fix): TextEdit[] {
  const origin = f.origin;
  if (!origin) return [];
  const b = new EditBuilder(origin.text, origin.view);
  fix.apply(b);
  return shiftEdits(b.edits, origin.offset);
}

function shiftEdits(edits: readonly TextEdit[], offset: number): TextEdit[] {
  return edits.map((e) => ({ ...e, start: e.start + offset, end: e.end + offset }));
}

/** Every fix offered for a finding: its own, then hardening the whole workload where it applies. */
export function fixesFor(f: Finding): Fix[] {
  const out = [...(f.fixes ?? [])];
  const harden = f.origin ? hardenFix(f.origin.resource, f.ruleId) : undefined;
  if (harden) out.push(harden);
  return out;
}

/** "Ignore this rule on this line": a comment above the finding's line. */
export function ignoreLineEdits(f: Finding): TextEdit[] {
  const origin = f.origin;
  if (!origin) return [];
  const b = new EditBuilder(origin.text, origin.view);
  b.insertCommentAbove(f.startOffset - origin.offset, `kubeguard-disable-next-line ${f.ruleId} -- explain why this is acceptable here`);
  return shiftEdits(b.edits, origin.offset);
}

/** "Ignore this rule for this object": the `kubeguard.io/ignore` annotation (added to, or created). */
export function ignoreObjectEdits(f: Finding): TextEdit[] {
  const origin = f.origin;
  if (!origin) return [];
  const r: Resource = origin.resource;
  const b = new EditBuilder(origin.text, origin.view);
  const v = r.view;
  const existing = v.pair(v.get(r.metadata, 'annotations'), IGNORE_ANNOTATION);
  const current = ignoredByAnnotation(r);
  if (existing && current !== 'all') {
    const ids = [...(current ?? []), f.ruleId];
    b.setValue(existing, ids.join(','));
  } else if (r.metadata) {
    b.setIn(r.metadata, ['annotations', IGNORE_ANNOTATION], f.ruleId);
  } else {
    b.addPair(r.root, 'metadata', { annotations: { [IGNORE_ANNOTATION]: f.ruleId } });
  }
  return shiftEdits(b.edits, origin.offset);
}

export const MAX_FIX_PASSES = 10;

export interface FixAllResult {
  text: string;
  /** How many fixes were applied, over all passes. */
  applied: number;
  passes: number;
}

/**
 * Applies the safe fixes: in each pass, analyse, take the first safe fix of every finding, keep
 * the ones whose edits do not touch each other's, apply them, and analyse again. Fixes that
 * collided wait for the next pass. Behaviour-changing (suggestion) fixes never run here.
 */
export function fixAll(text: string, settings: Settings = DEFAULT_SETTINGS, maxPasses = MAX_FIX_PASSES): FixAllResult {
  let current = text;
  let applied = 0;
  let passes = 0;
  while (passes < maxPasses) {
    const findings = new Analyzer({ maxTextLength: Infinity }).run(current, settings);
    const chosen: TextEdit[] = [];
    let count = 0;
    for (const f of findings) {
      const fix = f.fixes?.find((x) => x.safety === 'safe');
      if (!fix) continue;
      let edits: TextEdit[];
      try {
        edits = fixEdits(f, fix);
      } catch {
        continue;
      }
      if (edits.length === 0 || edits.some((e) => chosen.some((c) => touches(c, e)))) continue;
      chosen.push(...edits);
      count++;
    }
    if (count === 0) break;
    passes++;
    current = applyEdits(current, chosen);
    applied += count;
  }
  return { text: current, applied, passes };
}

/** Edits that overlap, or insert at the same place (two fixes creating the same parent map). */
function touches(a: TextEdit, b: TextEdit): boolean {
  return a.start <= b.end && b.start <= a.end;
}
