// Settings, normalised in one place: whatever the editor or the command line sends, the engine
// sees a complete, valid Settings object.
import type { RuleMeta, Severity, SeveritySetting } from './rule.ts';

export type Profile = 'restricted' | 'baseline';

export interface Settings {
  enable: boolean;
  profile: Profile;
  /** Severity overrides per rule id. */
  rules: Record<string, SeveritySetting>;
  /** Most problems the editor shows for one file (errors first); the CLI reports all. */
  maxProblems: number;
  /** PriorityClass names workloads may use (`priority-class`); empty means any name will do. */
  priorityClasses: readonly string[];
  /** Registries (host, or host/path prefix) images may come from (`untrusted-registry`). */
  trustedRegistries: readonly string[];
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  enable: true,
  profile: 'restricted',
  rules: {},
  maxProblems: 5000,
  priorityClasses: [],
  trustedRegistries: [],
});

/** A list of non-empty strings from a setting; anything else is ignored. */
function stringList(v: unknown): string[] {
  if (typeof v === 'string') v = v.split(',');
  if (!Array.isArray(v)) return [];
  const out = v.filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter((x) => x !== '');
  return [...new Set(out)];
}

const SEVERITIES: readonly string[] = ['off', 'info', 'warning', 'error'];

export function isSeveritySetting(v: unknown): v is SeveritySetting {
  return typeof v === 'string' && SEVERITIES.includes(v);
}

export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, SeveritySetting> = {};
  if (r.rules && typeof r.rules === 'object') {
    for (const [id, sev] of Object.entries(r.rules as Record<string, unknown>)) {
      // Accept the ESLint-style spellings people type by habit.
      const s = typeof sev === 'string' ? sev.toLowerCase() : sev;
      const mapped = s === 'warn' ? 'warning' : s === 'information' || s === 'hint' ? 'info' : s;
      if (isSeveritySetting(mapped)) rules[id] = mapped;
    }
  }
  return {
    enable: r.enable !== false,
    profile: r.profile === 'baseline' ? 'baseline' : 'restricted',
    rules,
    maxProblems:
      typeof r.maxProblems === 'number' && Number.isFinite(r.maxProblems) && r.maxProblems >= 1
        ? Math.floor(r.maxProblems)
        : DEFAULT_SETTINGS.maxProblems,
    priorityClasses: stringList(r.priorityClasses),
    // A trailing slash or a scheme is how people paste registries; neither changes the meaning.
    trustedRegistries: stringList(r.trustedRegistries).map((x) => x.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '')),
  };
}

/**
 * The severity a rule runs at, or 'off'. An explicit setting wins; otherwise the `baseline`
 * profile turns off the controls that only the restricted profile has, and a rule that waits
 * for a list setting (`enabledBy`) turns on when the list is given.
 */
export function ruleSetting(meta: RuleMeta, settings: Settings): SeveritySetting {
  const explicit = settings.rules[meta.id];
  if (explicit) return explicit;
  if (settings.profile === 'baseline' && meta.pss === 'restricted') return 'off';
  if (meta.enabledBy && settings[meta.enabledBy.setting].length > 0) return meta.enabledBy.severity;
  return meta.severity;
}

export function severityRank(s: Severity): number {
  return s === 'error' ? 3 : s === 'warning' ? 2 : 1;
}
