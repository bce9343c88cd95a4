// Expected findings come from the CLI (the same engine, run from a terminal), so a rule change
// does not need an edit here. The e2e suites check that each editor shows exactly these.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot } from './env.ts';

export interface CliFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'info';
  ruleId: string;
  message: string;
}

/** Runs `kubeguard lint --format json` (the given bundle) on one file. */
export function lint(cli: string, file: string, extraArgs: string[] = []): CliFinding[] {
  const out = execFileSync(process.execPath, [cli, 'lint', '--format', 'json', '--fail-on', 'none', ...extraArgs, file], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as CliFinding[];
}

/** `ruleId@line:col-endLine:endCol severity`, 1-based, the form every suite compares. */
export function findingKey(f: Pick<CliFinding, 'ruleId' | 'line' | 'column' | 'endLine' | 'endColumn' | 'severity'>): string {
  return `${f.ruleId}@${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity}`;
}

/** Differences between two key lists, for failure messages; empty when they match as sets. */
export function diffKeys(expected: readonly string[], actual: readonly string[]): string {
  const missing = expected.filter((k) => !actual.includes(k));
  const extra = actual.filter((k) => !expected.includes(k));
  const lines: string[] = [];
  if (missing.length) lines.push(`missing: ${missing.join(', ')}`);
  if (extra.length) lines.push(`unexpected: ${extra.join(', ')}`);
  if (!lines.length && expected.length !== actual.length) lines.push(`count ${actual.length}, expected ${expected.length}`);
  return lines.join('\n');
}

/** The rule the UI, Neovim and quick-fix checks look at, and where the examples must have it. */
export const ANCHOR = { file: 'worker.yaml', ruleId: 'privileged-container' } as const;

/**
 * A workspace for the editors: the bundled examples, a manifest with no findings, and a plain
 * text and a JSON file (which must not activate the extension).
 */
export function makeWorkspace(dir: string): string[] {
  const examples = join(repoRoot, 'examples', 'orders');
  const yamlFiles: string[] = [];
  for (const name of readdirSync(examples).filter((n) => n.endsWith('.yaml')).sort()) {
    copyFileSync(join(examples, name), join(dir, name));
    yamlFiles.push(name);
  }
  copyFileSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'clean.yaml'), join(dir, 'clean.yaml'));
  yamlFiles.push('clean.yaml');
  writeFileSync(join(dir, 'notes.txt'), 'privileged: true\nThis is not YAML, and KubeGuard must not start for it.\n');
  writeFileSync(join(dir, 'data.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', spec: { hostNetwork: true } }, null, 2) + '\n');
  return yamlFiles.map((n) => basename(n));
}
