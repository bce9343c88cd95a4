// Multi-file fixtures: each directory under test/fixtures/workspace is a small workspace. Its
// YAML files carry caret lines for the findings of the workspace rules (the rules that compare
// objects across files), and `->` lines for each finding's related information:
//
//   metadata:
//     name: api
//   #       ^^^ warning pod-not-covered-by-networkpolicy: No NetworkPolicy ...
//   #   -> networkpolicy.yaml:5:9 NetworkPolicy "web" in namespace "shop" selects app=web, not ...
//
// The case directory is the workspace folder. An optional settings.json holds the settings, with
// `"scope": "workspace"` to put all files in one scope. UPDATE_FIXTURES=1 rewrites the caret
// and related lines from what the engine reports now (review the diff: it records, it does not judge).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintWorkspace } from '../../server/src/workspace/batch.ts';
import { normalizeSettings } from '../../server/src/engine/settings.ts';
import { RULES } from '../../server/src/rules/index.ts';
import type { Finding } from '../../server/src/engine/analyze.ts';
import { findingKey, parseCaretCode, renderCaretCode, toExpected } from '../support/fixtures.ts';

const ROOT = join(__dirname, '..', 'fixtures', 'workspace');
const WORKSPACE_RULES = new Set(RULES.filter((r) => r.meta.workspace).map((r) => r.meta.id));
const RELATED_LINE = /^\s*#\s*-> (\S+):(\d+):(\d+) (.*)$/;

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const full = join(dir, e);
    if (statSync(full).isDirectory()) yamlFiles(full, out);
    else if (/\.ya?ml$/.test(e) || e === 'Kustomization') out.push(full);
  }
  return out;
}

interface Parsed {
  path: string;
  text: string;
  expected: string[];
}

/** Strips caret and related lines; the expectation of a finding includes its related lines. */
function parseFile(path: string): Parsed {
  const source = readFileSync(path, 'utf8');
  const lines = source.split('\n');
  const kept: string[] = [];
  const related = new Map<number, string[]>();
  let lastCaret = -1;
  for (const line of lines) {
    const m = RELATED_LINE.exec(line);
    if (m) {
      related.set(lastCaret, [...(related.get(lastCaret) ?? []), `-> ${m[1]}:${m[2]}:${m[3]} ${m[4]}`]);
      continue;
    }
    if (/^\s*#?\s*\^+\s+(error|warning|info)\s/.test(line)) lastCaret = kept.length;
    kept.push(line);
  }
  const { text, expected } = parseCaretCode(kept.join('\n'));
  // Caret i in file order owns the related lines recorded after it.
  const caretIndexes = kept.map((l, i) => (/^\s*#?\s*\^+\s+(error|warning|info)\s/.test(l) ? i : -1)).filter((i) => i >= 0);
  return {
    path,
    text,
    expected: expected.map((e, i) => [findingKey(e), ...(related.get(caretIndexes[i]!) ?? [])].join('\n')),
  };
}

function relatedLines(caseDir: string, f: Finding): string[] {
  return (f.related ?? []).map((r) => {
    const file = r.uri ? relative(caseDir, fileURLToPath(r.uri)).split(sep).join('/') : '?';
    return `-> ${file}:${r.line + 1}:${r.character + 1} ${r.message}`;
  });
}

function actualKeys(caseDir: string, findings: Finding[]): string[] {
  return findings
    .filter((f) => WORKSPACE_RULES.has(f.ruleId))
    .map((f) => [findingKey(toExpected(f)), ...relatedLines(caseDir, f)].join('\n'));
}

function render(caseDir: string, text: string, findings: Finding[]): string {
  const ws = findings.filter((f) => WORKSPACE_RULES.has(f.ruleId));
  const withCarets = renderCaretCode(text, ws.map(toExpected)).split('\n');
  // Insert the related lines after each caret line, in order.
  const out: string[] = [];
  let i = 0;
  const sorted = [...ws].sort((a, b) => a.start.line - b.start.line);
  for (const line of withCarets) {
    out.push(line);
    if (/^\s*#?\s*\^+\s+(error|warning|info)\s/.test(line)) {
      const f = sorted[i++];
      const indent = line.match(/^\s*/)![0];
      for (const r of f ? relatedLines(caseDir, f) : []) out.push(`${indent}#   ${r}`);
    }
  }
  return out.join('\n');
}

const cases = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => statSync(join(ROOT, d)).isDirectory()).sort() : [];

describe('workspace fixtures', () => {
  it('has cases, and every workspace rule appears in one', () => {
    assert.ok(cases.length > 0);
    const seen = new Set<string>();
    for (const c of cases) for (const f of yamlFiles(join(ROOT, c))) for (const m of readFileSync(f, 'utf8').matchAll(/\^ (?:error|warning|info) ([a-z0-9-]+):/g)) seen.add(m[1]!);
    assert.deepEqual([...WORKSPACE_RULES].filter((id) => !seen.has(id)), []);
  });

  for (const c of cases) {
    it(c, () => {
      const dir = join(ROOT, c);
      const settingsFile = join(dir, 'settings.json');
      const raw = existsSync(settingsFile) ? (JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>) : {};
      const files = yamlFiles(dir).map(parseFile);
      const results = lintWorkspace(
        files.map((f) => ({ path: f.path, text: f.text })),
        [dir],
        normalizeSettings(raw),
        { scope: raw.scope === 'workspace' ? 'workspace' : 'directory' },
      );
      if (process.env.UPDATE_FIXTURES) {
        for (const f of files) writeFileSync(f.path, render(dir, f.text, results.get(f.path) ?? []));
        return;
      }
      for (const f of files) {
        assert.deepEqual(actualKeys(dir, results.get(f.path) ?? []).sort(), [...f.expected].sort(), relative(dir, f.path));
      }
    });
  }
});
