// The fixture runner: every rule against its own fixture file, one rule reported at a time
// (the others stay on, so overlapping rules defer exactly as in a full run).
// RULE=<id> runs one rule; UPDATE_FIXTURES=1 rewrites the expected findings for review in the diff.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyze, type Finding } from '../../server/src/engine/analyze.ts';
import { fixEdits, fixesFor } from '../../server/src/engine/fixes.ts';
import { applyEdits } from '../../server/src/yaml/edit.ts';
import { normalizeSettings } from '../../server/src/engine/settings.ts';
import {
  findingKey,
  fixtureIds,
  loadFixture,
  parseCaretCode,
  toExpected,
  updateFixtureText,
} from '../support/fixtures.ts';

const only = process.env.RULE;
const ids = fixtureIds().filter((id) => !only || id === only);

function findings(ruleId: string, text: string, settings: unknown): Finding[] {
  return analyze(text, normalizeSettings(settings ?? {}), { only: [ruleId] });
}

function run(ruleId: string, text: string, settings: unknown) {
  return findings(ruleId, text, settings).map(toExpected);
}

interface OfferedFix {
  title: string;
  output: string;
  finding: Finding;
  reveals: readonly string[];
  edits: { start: number; end: number }[];
}

/** Every fix offered for the rule's findings, applied alone; identical offers are listed once. */
function offeredFixes(ruleId: string, text: string, settings: unknown): OfferedFix[] {
  const out: OfferedFix[] = [];
  for (const f of findings(ruleId, text, settings)) {
    for (const fix of fixesFor(f)) {
      let edits: { start: number; end: number; text: string }[];
      let output: string;
      try {
        edits = fixEdits(f, fix);
        output = applyEdits(text, edits);
      } catch (err) {
        // Recorded as the output, so the case fails and says which fix broke.
        edits = [];
        output = `fix failed: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (out.some((o) => o.title === fix.title && o.output === output)) continue;
      out.push({ title: fix.title, output, finding: f, edits, reveals: fix.reveals ?? [] });
    }
  }
  return out;
}

/** Findings per rule, over every rule at the case's settings. */
function census(text: string, settings: unknown): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of analyze(text, normalizeSettings(settings ?? {}))) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
  return m;
}

if (process.env.UPDATE_FIXTURES) {
  for (const id of ids) {
    const file = loadFixture(id).file;
    const source = readFileSync(file, 'utf8');
    const next = updateFixtureText(source, (text, settings) => ({
      findings: run(id, text, settings),
      fixes: offeredFixes(id, text, settings).map(({ title, output }) => ({ title, output })),
    }));
    if (next !== source) writeFileSync(file, next);
  }
}

for (const id of ids) {
  const fixture = loadFixture(id);
  describe(`rule ${id}`, () => {
    for (const c of fixture.valid) {
      it(`valid: ${c.name}`, () => {
        const { text, expected } = parseCaretCode(c.code);
        assert.equal(expected.length, 0, 'a valid case must not carry caret lines');
        assert.deepEqual(run(id, text, c.settings).map(findingKey), []);
        if (id !== 'yaml-syntax') assertParses(text);
      });
    }
    for (const c of fixture.invalid) {
      it(`invalid: ${c.name}`, () => {
        const { text, expected } = parseCaretCode(c.code);
        assert.ok(expected.length > 0, 'an invalid case must expect at least one finding');
        for (const e of expected) assert.equal(e.ruleId, id, `caret line names ${e.ruleId}, not ${id}`);
        const actual = run(id, text, c.settings).map(findingKey).sort();
        assert.deepEqual(actual, expected.map(findingKey).sort());
        if (id !== 'yaml-syntax') assertParses(text);

        const offered = offeredFixes(id, text, c.settings);
        assert.deepEqual(
          offered.map(({ title, output }) => ({ title, output })),
          (c.fixes ?? []).map(({ title, output }) => ({ title, output })),
          'the fixes offered and their results',
        );
        const before = census(text, c.settings);
        for (const fix of offered) {
          const where = `fix "${fix.title}"`;
          assert.ok(!fix.output.startsWith('fix failed:'), `${where}: ${fix.output}`);
          assertParses(fix.output);
          // The fixed finding is gone: its rule reports less.
          const rule = fix.finding.ruleId;
          const after = census(fix.output, c.settings);
          assert.ok((after.get(rule) ?? 0) < (before.get(rule) ?? 0), `${where} leaves the finding in place`);
          // No rule reports more, except what the fix says it may bring to light.
          for (const [k, n] of after) {
            if (!fix.reveals.includes(k)) assert.ok(n <= (before.get(k) ?? 0), `${where} brings a new finding: ${k}`);
          }
          // The edits stay in the document of the finding.
          const origin = fix.finding.origin!;
          for (const e of fix.edits) {
            assert.ok(e.start >= origin.offset && e.end <= origin.offset + origin.text.length, `${where} edits outside the finding's document`);
          }
        }
      });
    }
  });
}

/** A fixture manifest must be valid YAML, or its findings prove nothing about the rule. */
function assertParses(text: string): void {
  const syntax = analyze(text, normalizeSettings({}), { only: ['yaml-syntax'] });
  assert.deepEqual(syntax.map((f) => `${f.start.line + 1}: ${f.message}`), [], 'fixture manifest has YAML errors');
}
